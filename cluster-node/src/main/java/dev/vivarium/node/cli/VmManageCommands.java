package dev.vivarium.node.cli;

import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.Table;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vivarium vm get|create|reconfigure|delete}: a VM's configuration. */
final class VmManageCommands {

    private VmManageCommands() {
    }

    /** Prints one API object as it is ({@code --json}) or as a FIELD VALUE table. */
    static void printObject(String json, boolean asJson) throws java.io.IOException {
        if (asJson) {
            System.out.println(json);
            return;
        }
        Table table = new Table("FIELD", "VALUE");
        ApiCall.objects("[" + json + "]").get(0).forEach((k, v) -> table.row(k, v));
        System.out.print(table.render());
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one VM: its state, host, configuration and metrics.")
    static final class Get implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Parameters(paramLabel = "NAME", description = "The VM.")
        String name;

        @Option(names = "--json", description = "Print the API's JSON object instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            return ApiCall.run("vm get", dir, api -> printObject(api.get("/api/v1/vms/" + name).body(), json));
        }
    }

    /** The settings create and reconfigure share; only those given are sent. */
    static final class Settings {
        @Option(names = "--memory", paramLabel = "MIB", description = "Guest memory in MiB.")
        Long memoryMiB;

        @Option(names = "--cmdline", paramLabel = "S", description = "The guest's command line, e.g. \"duty=30 report=50\".")
        String commandLine;

        @Option(names = "--shares", paramLabel = "N", description = "CPU shares against the other VMs of its host (normal: 1000).")
        Integer shares;

        @Option(names = "--restart-priority", paramLabel = "P", description = "HA restart priority: high, medium, low or disabled.")
        String restartPriority;

        Map<String, Object> given() {
            Map<String, Object> fields = new LinkedHashMap<>();
            putIfGiven(fields, "memoryMiB", memoryMiB);
            putIfGiven(fields, "commandLine", commandLine);
            putIfGiven(fields, "shares", shares);
            putIfGiven(fields, "restartPriority", restartPriority);
            return fields;
        }

        private static void putIfGiven(Map<String, Object> fields, String key, Object value) {
            if (value != null) {
                fields.put(key, value);
            }
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a VM from a guest image (see guests/README.md), with 16 MiB unless --memory says otherwise; it stays powered off until power-on.",
                    "--image linux makes a Debian Linux VM (128 MiB, console=ttyS0) from the kernel and initramfs guests/linux/fetch.sh fetches."})
    static final class Create implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Parameters(paramLabel = "NAME", description = "The new VM's name: lower-case letters, digits and '-'.")
        String name;

        @Option(names = "--image", required = true, paramLabel = "IMG", description = "The guest image: counter, cpuburn, memdirty, ..., or linux")
        String image;

        @Option(names = "--kernel", paramLabel = "BZIMAGE", description = "Boot this Linux kernel instead of the image (in the image directory, or a path).")
        String kernel;

        @Option(names = "--initrd", paramLabel = "FILE", description = "The Linux kernel's initial ramdisk.")
        String initrd;

        @Mixin Settings settings;

        @Option(names = "--json", description = "Print the API's JSON object instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("name", name);
            spec.put("image", image);
            boolean linux = "linux".equals(image) || kernel != null;
            spec.put("memoryMiB", linux ? 128L : 16L);
            if (kernel != null) {
                spec.put("kernel", kernel);
            }
            if (initrd != null) {
                spec.put("initrd", initrd);
            }
            spec.putAll(settings.given());
            return ApiCall.run("vm create", dir, api -> printObject(api.send("POST", "/api/v1/vms", Json.write(spec)).body(), json));
        }
    }

    @Command(name = "reconfigure", mixinStandardHelpOptions = true,
            description = "Change a VM's settings (memory and command line only while it is powered off).")
    static final class Reconfigure implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Parameters(paramLabel = "NAME", description = "The VM.")
        String name;

        @Mixin Settings settings;

        @Option(names = "--json", description = "Print the API's JSON object instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            return ApiCall.run("vm reconfigure", dir,
                    api -> printObject(api.send("PATCH", "/api/v1/vms/" + name, Json.write(settings.given())).body(), json));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a powered-off VM from the inventory.")
    static final class Delete implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Parameters(paramLabel = "NAME", description = "The VM.")
        String name;

        @Override
        public Integer call() {
            return ApiCall.run("vm delete", dir, api -> {
                api.send("DELETE", "/api/v1/vms/" + name, null);
                System.out.println("Deleted VM " + name + ".");
            });
        }
    }
}
