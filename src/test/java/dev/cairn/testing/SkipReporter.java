package dev.cairn.testing;

import java.io.PrintStream;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints every skipped test with its reason on the console, e.g.
 * {@code SKIPPED ChatPageTest.twoPeopleChatInTheirBrowsers: no Chromium binary found ...}: a disabled
 * test or container (its condition's reason, such as {@code @DisabledOnIntegrationTest}'s) and one
 * aborted by a failed assumption (the assumption's message). Surefire and failsafe otherwise only count
 * skips and keep the reason in their XML reports.
 *
 * <p>Registered with {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener} in
 * {@code src/test/resources}, so both surefire (src/test) and failsafe (src/native-test, compiled into
 * the same test classes directory) load it.
 */
public final class SkipReporter implements TestExecutionListener {
    // System.out as the run starts (surefire and failsafe forward it to the console), kept in case a test replaces it.
    private static final PrintStream OUT = System.out;

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        print(test, reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            print(test, result.getThrowable().map(t -> t.getMessage() != null ? t.getMessage() : t.toString())
                    .orElse(null));
        }
    }

    private static void print(TestIdentifier test, String reason) {
        String why = reason == null || reason.isBlank() ? "no reason given" : reason.strip();
        OUT.println("SKIPPED " + name(test) + ": " + why);
        OUT.flush();
    }

    /** {@code Class.method}, {@code Class.method[display name]} for an invocation, or {@code Class}. */
    static String name(TestIdentifier test) {
        TestSource source = test.getSource().orElse(null);
        if (source instanceof MethodSource m) {
            String name = simple(m.getClassName()) + "." + m.getMethodName();
            return test.getDisplayName().startsWith(m.getMethodName() + "(") ? name : name + "[" + test.getDisplayName() + "]";
        }
        if (source instanceof ClassSource c) {
            return simple(c.getClassName());
        }
        return test.getDisplayName();
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
