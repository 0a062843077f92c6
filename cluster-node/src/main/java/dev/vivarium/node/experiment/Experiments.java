package dev.vivarium.node.experiment;

import dev.vivarium.node.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/** Runs a scenario on a cluster and writes what it recorded: CSVs, summary.json, report.html with its charts. */
public final class Experiments {

    private Experiments() {
    }

    /** A simulated run (DRS's core, modelled VMs); the summary. */
    public static Map<String, Object> simulate(Scenario scenario, Path out, Consumer<String> progress) throws Exception {
        return run(scenario, new SimulatedCluster(), out, progress);
    }

    /**
     * A run in a lab of its own in {@code out/lab}, stopped at the end unless {@code keepLab}.
     *
     * @param log what the lab's start and stop say
     */
    public static Map<String, Object> inLab(Scenario scenario, Path out, boolean keepLab, Consumer<String> progress,
                                            Consumer<String> log) throws Exception {
        return run(scenario, new LabCluster(out.resolve("lab"), keepLab, log), out, progress);
    }

    static Map<String, Object> run(Scenario scenario, ClusterUnderTest cluster, Path out, Consumer<String> progress)
            throws Exception {
        Experiment.Result result;
        try (cluster) {
            result = new Experiment(scenario, cluster, progress).run();
        }
        return write(result, out);
    }

    static Map<String, Object> write(Experiment.Result result, Path out) throws IOException {
        Files.createDirectories(out);
        Recorder.write(result, out);
        Map<String, Object> summary = Summary.of(result);
        Files.writeString(out.resolve("summary.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(summary)
                + "\n");
        Report.write(result, summary, out);
        return summary;
    }
}
