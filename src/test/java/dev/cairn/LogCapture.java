package dev.cairn;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Records what a logger and its children log while open, so a test can assert a log line. The tests
 * run with JBoss LogManager (as the service does), whose loggers are {@code java.util.logging} ones.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    public LogCapture(String loggerName) {
        this.logger = Logger.getLogger(loggerName);
        logger.addHandler(this);
    }

    /** Messages, formatted, of the records at {@code level} or above (WARN is {@link Level#WARNING}, ERROR {@link Level#SEVERE}). */
    public List<String> messages(Level level) {
        return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue()).map(LogCapture::text).toList();
    }

    private static String text(LogRecord r) {
        String message = r instanceof ExtLogRecord e ? e.getFormattedMessage() : r.getMessage();
        return r.getThrown() == null ? message : message + " (" + r.getThrown() + ")";
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
        // Kept in memory.
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
