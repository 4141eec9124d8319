package io.statestore.daemon.jobs;

import io.statestore.daemon.series.SampleRun;
import java.util.Map;

/** Time-series sampling on its schedule: the series that are due, then downsampling and trimming. */
public final class SeriesJob extends LeasedJob {
    public SeriesJob(JobServices services) {
        super(services);
    }

    @Override
    protected String name() {
        return "series";
    }

    @Override
    protected Map<String, ?> work() {
        SampleRun run = services.series().sampleDue();
        services.metrics().increment("statestore_series_samples_total", "", run.sampled());
        services.metrics().increment("statestore_series_skipped_total", "", run.skipped());
        return run.figures();
    }
}
