package dev.vivarium.datastore.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the configuration as "key = value" lines, so an operator can read a VM's
 * file with {@code strings} and a later version can add keys. (The sealed file around it
 * carries the checksum.) Unknown keys are refused rather than silently dropped.
 */
public final class VmConfigCodec {
    private static final String FORMAT = "vivarium-vm 1";
    private static final String UNLIMITED = "unlimited";

    private VmConfigCodec() {
    }

    public static byte[] encode(VmConfig config) {
        StringBuilder out = new StringBuilder();
        line(out, "format", FORMAT);
        line(out, "name", config.name());
        line(out, "memory-mib", Integer.toString(config.memoryMiB()));
        line(out, "image", config.image());
        line(out, "disk", config.disk());
        line(out, "command-line", config.commandLine());
        // Written only when set, so the file of a VM without a kernel reads as it always did.
        if (config.bootsKernel()) {
            line(out, "kernel", config.kernel());
            line(out, "initrd", config.initrd());
        }
        line(out, "cpu.shares", Integer.toString(config.cpu().shares()));
        line(out, "cpu.reservation-mips", Long.toString(config.cpu().reservationMips()));
        long limit = config.cpu().limitMips();
        line(out, "cpu.limit-mips", limit == CpuAllocation.UNLIMITED ? UNLIMITED : Long.toString(limit));
        line(out, "restart-priority", config.restartPriority().name());
        for (PlacementRule rule : config.rules()) {
            line(out, "rule", encodeRule(rule));
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @throws IllegalArgumentException naming the line that is wrong */
    public static VmConfig decode(byte[] bytes) {
        Map<String, String> values = new HashMap<>();
        List<PlacementRule> rules = new ArrayList<>();
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf(" = ");
            if (eq < 0) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not 'key = value': " + line);
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 3);
            if (key.equals("rule")) {
                rules.add(decodeRule(value));
            } else if (values.put(key, value) != null) {
                throw new IllegalArgumentException("key '" + key + "' appears twice");
            }
        }
        if (!FORMAT.equals(values.remove("format"))) {
            throw new IllegalArgumentException("not a '" + FORMAT + "' configuration");
        }
        Map<String, String> known = new HashMap<>(values);
        String limit = take(known, "cpu.limit-mips");
        VmConfig config = new VmConfig(
                take(known, "name"),
                number(known, "memory-mib"),
                take(known, "image"),
                take(known, "disk"),
                take(known, "command-line"),
                new CpuAllocation(number(known, "cpu.shares"), longNumber("cpu.reservation-mips", take(known, "cpu.reservation-mips")),
                        limit.equals(UNLIMITED) ? CpuAllocation.UNLIMITED : longNumber("cpu.limit-mips", limit)),
                RestartPriority.valueOf(take(known, "restart-priority")),
                rules,
                optional(known, "kernel"),
                optional(known, "initrd"));
        if (!known.isEmpty()) {
            throw new IllegalArgumentException("unknown keys " + known.keySet());
        }
        return config;
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(key).append(" = ").append(value).append('\n');
    }

    private static String encodeRule(PlacementRule rule) {
        if (rule instanceof PlacementRule.KeepTogether r) {
            return "keep-together " + r.name() + " " + String.join(",", r.vms());
        } else if (rule instanceof PlacementRule.KeepApart r) {
            return "keep-apart " + r.name() + " " + String.join(",", r.vms());
        } else {
            PlacementRule.RunOnHosts r = (PlacementRule.RunOnHosts) rule;
            return "run-on-hosts " + r.name() + " " + String.join(",", r.hosts());
        }
    }

    private static PlacementRule decodeRule(String value) {
        String[] parts = value.split(" ", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("rule '" + value + "' is not 'kind name member,member'");
        }
        List<String> members = parts[2].isEmpty() ? List.of() : Arrays.asList(parts[2].split(","));
        return switch (parts[0]) {
            case "keep-together" -> new PlacementRule.KeepTogether(parts[1], members);
            case "keep-apart" -> new PlacementRule.KeepApart(parts[1], members);
            case "run-on-hosts" -> new PlacementRule.RunOnHosts(parts[1], members);
            default -> throw new IllegalArgumentException("unknown rule kind '" + parts[0] + "'");
        };
    }

    private static String take(Map<String, String> values, String key) {
        String value = values.remove(key);
        if (value == null) {
            throw new IllegalArgumentException("missing key '" + key + "'");
        }
        return value;
    }

    private static String optional(Map<String, String> values, String key) {
        String value = values.remove(key);
        return value == null ? "" : value;
    }

    private static int number(Map<String, String> values, String key) {
        long value = longNumber(key, take(values, key));
        if (value != (int) value) {
            throw new IllegalArgumentException("'" + key + "' is out of range: " + value);
        }
        return (int) value;
    }

    private static long longNumber(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' is not a number: " + value);
        }
    }
}
