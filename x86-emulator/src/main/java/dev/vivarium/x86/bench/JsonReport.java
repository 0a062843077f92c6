package dev.vivarium.x86.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/** The report as one JSON object: every figure of the table, and every single run's time. */
final class JsonReport {

    private JsonReport() {
    }

    static String format(OverheadReport report) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(text)) {
            g.writeStartObject();
            g.writeNumberField("runs", report.runs());
            g.writeFieldName("machine");
            machine(g, report);
            g.writeArrayFieldStart("workloads");
            for (WorkloadResult r : report.workloads()) {
                workload(g, r);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string cannot fail", e);
        }
        return text + "\n";
    }

    private static void machine(JsonGenerator g, OverheadReport report) throws IOException {
        HostInfo h = report.before();
        g.writeStartObject();
        g.writeNumberField("cpus", h.cpus());
        g.writeStringField("cpuModel", h.cpuModel());
        g.writeStringField("java", h.java());
        g.writeStringField("qemu", h.qemu());
        numbers(g, "loadAverageAtStart", h.loadAverage());
        numbers(g, "loadAverageAtEnd", report.after().loadAverage());
        g.writeEndObject();
    }

    private static void workload(JsonGenerator g, WorkloadResult r) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", r.workload().name());
        g.writeStringField("cmdline", r.workload().cmdline());
        g.writeNumberField("instructions", r.instructions());
        g.writeStringField("output", r.output());

        g.writeObjectFieldStart("native");
        place(g, r, r.nativeRuns());
        g.writeEndObject();

        g.writeObjectFieldStart("qemu");
        place(g, r, r.qemuRuns());
        g.writeNumberField("startupMedianSeconds", r.qemuStartup().medianSeconds());
        g.writeNumberField("netSeconds", r.qemuNetSeconds());
        g.writeNumberField("netMips", r.mips(r.qemuNetSeconds()));
        numbers(g, "startupSeconds", r.qemuStartup().seconds());
        g.writeEndObject();

        g.writeObjectFieldStart("vivarium");
        place(g, r, r.vivariumRuns());
        g.writeNumberField("warmupSeconds", r.vivariumWarmup() / 1e9);
        g.writeEndObject();

        if (r.vivariumWhole().isPresent()) {
            g.writeObjectFieldStart("vivariumWhole");
            place(g, r, r.vivariumWhole().get());
            g.writeEndObject();
            g.writeNumberField("vivariumWholeOverQemuWhole", r.vivariumWholeOverQemuWhole().get());
        }

        g.writeNumberField("vivariumOverNative", r.vivariumOverNative());
        g.writeNumberField("vivariumOverQemu", r.vivariumOverQemu());
        g.writeNumberField("vivariumOverQemuNet", r.vivariumOverQemuNet());
        g.writeNumberField("overheadPercent", r.overheadPercent());
        g.writeNumberField("lossPercent", r.lossPercent());

        if (r.seed().isEmpty()) {
            g.writeEndObject();
            return;
        }
        SeedFigure seed = r.seed().get();
        g.writeObjectFieldStart("seed");
        g.writeStringField("test", seed.test());
        g.writeNumberField("nativeSeconds", seed.nativeSeconds());
        g.writeNumberField("vmSeconds", seed.vmSeconds());
        g.writeNumberField("overheadPercent", seed.overheadPercent());
        g.writeNumberField("lossPercent", seed.lossPercent());
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void place(JsonGenerator g, WorkloadResult r, Timings t) throws IOException {
        g.writeNumberField("medianSeconds", t.medianSeconds());
        g.writeNumberField("mips", r.mips(t.medianSeconds()));
        numbers(g, "seconds", t.seconds());
    }

    private static void numbers(JsonGenerator g, String field, List<Double> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (double v : values) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }
}
