package io.statestore.bench;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --ops put,MERGE}: any case, one error naming what is accepted. */
final class OperationConverter implements ITypeConverter<Workload.Operation> {
    @Override
    public Workload.Operation convert(String value) {
        try {
            return Workload.Operation.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("--ops takes put, merge and increment, got \"" + value + "\"");
        }
    }
}
