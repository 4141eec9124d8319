package io.statestore.migrate;

import io.statestore.cli.Main;
import java.util.ArrayList;
import java.util.List;

/** Entry point of the importer as a child JVM, for the kill -9 tests. */
public final class MigrateMain {
    private MigrateMain() {}

    public static void main(String[] args) {
        List<String> all = new ArrayList<>(List.of("migrate"));
        all.addAll(List.of(args));
        System.exit(Main.run(System.out, System.err, all.toArray(String[]::new)));
    }
}
