package dev.vivarium.x86.conformance;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Map;
import java.util.TreeMap;

/** Writes a {@link RunResult} as the command line prints it: text lines or one JSON object. */
public final class Report {

    private static final JsonFactory JSON = new JsonFactory();

    private Report() {
    }

    /**
     * A line per form with failures ({@code F7.6: 3 failed of 1000}, where 1000 is the tests of
     * that form in the pass rate) and exactly one closing line {@code N passed, M failed, K skipped}.
     */
    public static void summary(RunResult result, PrintWriter out) {
        for (FormTally f : result.failingForms()) {
            out.println(f.form() + ": " + f.failed() + " failed of " + f.total());
        }
        out.println(result.passed() + " passed, " + result.failed() + " failed, " + result.skipped() + " skipped");
        out.flush();
    }

    /** {@code {"passed":N,"failed":M,"skipped":K,"forms":[{"form":"F7.6","failed":3,"total":1000}]}}, forms with failures only. */
    public static void json(RunResult result, Writer out) {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeNumberField("passed", result.passed());
            g.writeNumberField("failed", result.failed());
            g.writeNumberField("skipped", result.skipped());
            g.writeArrayFieldStart("forms");
            for (FormTally f : result.failingForms()) {
                g.writeStartObject();
                g.writeStringField("form", f.form());
                g.writeNumberField("failed", f.failed());
                g.writeNumberField("total", f.total());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The kept failing tests of every form: name, bytes, initial registers and each mismatch. */
    public static void failures(RunResult result, PrintWriter out) {
        for (FormTally f : result.failingForms()) {
            for (FailureReport r : f.failures()) {
                TestCase t = r.test();
                out.println(f.form() + " #" + t.index() + " " + t.name() + " [" + r.codeHex() + "] hash " + t.hash());
                out.println("    initial " + r.initialRegisters());
                for (Mismatch m : r.mismatches()) {
                    out.println("    " + m);
                }
            }
        }
        out.flush();
    }

    /** Skipped tests per reason, with each reason spelled out. */
    public static void skipped(RunResult result, PrintWriter out) {
        for (Map.Entry<String, Integer> e : new TreeMap<>(result.skippedByReason()).entrySet()) {
            String why = e.getKey();
            for (KnownDifference d : KnownDifference.values()) {
                if (d.name().equals(why)) {
                    why = d.name() + " (" + d.reason() + ")";
                }
            }
            out.println("skipped " + e.getValue() + ": " + why);
        }
        out.flush();
    }
}
