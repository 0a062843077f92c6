package dev.vivarium.node.cli;

import dev.vivarium.node.api.Json;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vivarium host maintenance enter|exit HOST}. */
@Command(name = "maintenance", mixinStandardHelpOptions = true,
        description = "Maintenance mode: a host in it takes no VMs, and entering it moves its running VMs to other hosts.",
        subcommands = {MaintenanceCommand.Enter.class, MaintenanceCommand.Exit.class})
final class MaintenanceCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    @Command(name = "enter", mixinStandardHelpOptions = true,
            description = {"Put the host in maintenance mode: its running VMs move to other hosts (suspended here, resumed there:"
                    + " a cold migration until VMotion exists); waits until none runs there.",
                    "Fails, changing nothing, when the other hosts have no room for them, unless --power-off-vms."})
    static final class Enter implements Callable<Integer> {
        @Parameters(paramLabel = "HOST", description = "The host.")
        String host;

        @Option(names = "--power-off-vms", description = "Power off the VMs no other host can take instead of failing.")
        boolean powerOffVms;

        @Mixin TaskOptions task;

        @Override
        public Integer call() {
            return task.run("host maintenance enter", "POST", "/api/v1/hosts/" + host + "/maintenance",
                    Json.write(Map.of("enabled", true, "powerOffVms", powerOffVms)));
        }
    }

    @Command(name = "exit", mixinStandardHelpOptions = true, description = "Take the host out of maintenance mode: it takes VMs again.")
    static final class Exit implements Callable<Integer> {
        @Parameters(paramLabel = "HOST", description = "The host.")
        String host;

        @Mixin TaskOptions task;

        @Override
        public Integer call() {
            return task.run("host maintenance exit", "POST", "/api/v1/hosts/" + host + "/maintenance",
                    Json.write(Map.of("enabled", false)));
        }
    }
}
