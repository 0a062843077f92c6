package dev.vivarium.node.cli;

import dev.vivarium.node.api.Json;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vivarium vm power-on|power-off|reset|shutdown|pause|unpause|suspend|resume|migrate NAME}:
 * each starts a task with {@code POST /api/v1/vms/NAME/OPERATION} and waits for it; {@code vm
 * migrations NAME} lists a VM's live migrations.
 */
final class VmPowerCommands {

    private VmPowerCommands() {
    }

    /** One operation: the subcommand's name is the operation's name in the URL. */
    abstract static class Operation implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "The VM.")
        String name;

        @Mixin TaskOptions task;

        /** The operation's argument ({"argument": ...}), null for none. */
        String argument() {
            return null;
        }

        @Override
        public Integer call() {
            String op = getClass().getAnnotation(Command.class).name();
            String body = argument() == null ? null : Json.write(Map.of("argument", argument()));
            return task.run("vm " + op, "POST", "/api/v1/vms/" + name + "/" + op, body);
        }
    }

    @Command(name = "power-on", mixinStandardHelpOptions = true,
            description = "Power the VM on (a suspended one resumes from its checkpoint); waits until it runs.")
    static final class PowerOn extends Operation {
    }

    @Command(name = "power-off", mixinStandardHelpOptions = true,
            description = "Power the VM off hard (its running state is lost); waits until it runs nowhere.")
    static final class PowerOff extends Operation {
    }

    @Command(name = "reset", mixinStandardHelpOptions = true, description = "Press the VM's reset button: the guest boots again.")
    static final class Reset extends Operation {
    }

    @Command(name = "shutdown", mixinStandardHelpOptions = true,
            description = "Ask the guest to shut down (powered off hard if it does not in time); the VM is then powered off.")
    static final class Shutdown extends Operation {
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Pause the VM: it stays in its host's memory but runs no instruction.")
    static final class Pause extends Operation {
    }

    @Command(name = "unpause", mixinStandardHelpOptions = true, description = "Let a paused VM run again.")
    static final class Unpause extends Operation {
    }

    @Command(name = "suspend", mixinStandardHelpOptions = true,
            description = "Suspend the VM to the datastore and free its host; resume brings it back on any host.")
    static final class Suspend extends Operation {
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a suspended VM from its checkpoint.")
    static final class Resume extends Operation {
    }

    @Command(name = "migrations", mixinStandardHelpOptions = true,
            description = "List the VM's live migrations as the inventory keeps them (the last 50), oldest first.")
    static final class Migrations implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Parameters(paramLabel = "NAME", description = "The VM.")
        String name;

        @Option(names = "--json", description = "Print the API's JSON array instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            return ApiCall.list("vm migrations", dir, json, "/api/v1/vms/" + name + "/migrations",
                    new dev.vivarium.node.client.Table("STARTED", "FROM", "TO", "OUTCOME", "DOWNTIME MS", "TOTAL MS", "ROUNDS", "REASON"),
                    m -> {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> stats = m.get("stats") instanceof Map<?, ?> st ? (Map<String, Object>) st : Map.of();
                        return new Object[] {m.get("started"), m.get("from"), m.get("to"),
                                String.valueOf(m.get("outcome")).toLowerCase(java.util.Locale.ROOT), stats.get("downtimeMs"),
                                stats.get("totalMs"), stats.get("rounds"), m.get("reason")};
                    });
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = {"Move the running VM to another host live (VMotion): its guest keeps running but for a pause "
                    + "of milliseconds. Waits for it and prints where it went and the downtime; --json prints the task with "
                    + "its figures in 'details'.", "With --cancel: stop the VM's migration (from any node) before its switch-over."})
    static final class Migrate extends Operation {
        @Option(names = "--to", paramLabel = "HOST", description = "The host to move it to (default: the one with the most room).")
        String to;

        @Option(names = "--cancel", description = "Cancel the VM's running migration instead.")
        boolean cancel;

        @Option(names = "--downtime-ms", paramLabel = "MS",
                description = "The pause to aim for (default: the source host's vivarium.migration.downtime-budget).")
        Double downtimeMs;

        @Override
        String argument() {
            return to;
        }

        @Override
        public Integer call() {
            if (!cancel) {
                Map<String, Object> body = new java.util.LinkedHashMap<>();
                if (to != null) {
                    body.put("to", to);
                }
                if (downtimeMs != null) {
                    body.put("downtimeMs", downtimeMs);
                }
                return task.run("vm migrate", "POST", "/api/v1/vms/" + name + "/migrate", body.isEmpty() ? null : Json.write(body));
            }
            return ApiCall.run("vm migrate --cancel", task.dir, api -> {
                String answer = api.send("DELETE", "/api/v1/vms/" + name + "/migration", null).body();
                System.out.println(task.json ? answer : name + ": the migration is cancelled; it runs on where it was");
            });
        }
    }
}
