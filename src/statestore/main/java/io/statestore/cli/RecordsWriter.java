package io.statestore.cli;

/**
 * A command whose changes carry the writer name. Its {@code --help} lists the global
 * {@code --writer} option; on the other commands the option is accepted but means nothing.
 */
interface RecordsWriter {
    String OPTION = "--writer";
}
