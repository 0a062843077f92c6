package dev.vivarium.x86.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The machine the figures were taken on. The load average is part of it: on a shared machine
 * the same command gives very different times, so a table without it cannot be compared.
 *
 * @param loadAverage the 1, 5 and 15 minute load averages, or empty where Linux's /proc is absent
 */
public record HostInfo(int cpus, String cpuModel, String java, String qemu, List<Double> loadAverage) {

    public static HostInfo probe(String qemuVersion) {
        return new HostInfo(Runtime.getRuntime().availableProcessors(), readCpuModel(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                qemuVersion, readLoadAverage());
    }

    /** The same machine with the load average as it is now. */
    public HostInfo withCurrentLoad() {
        return new HostInfo(cpus, cpuModel, java, qemu, readLoadAverage());
    }

    private static String readCpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    public static List<Double> readLoadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return Arrays.stream(fields, 0, 3).map(Double::valueOf).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
