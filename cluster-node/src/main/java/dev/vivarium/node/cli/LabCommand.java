package dev.vivarium.node.cli;

import dev.vivarium.node.lab.LabStatus;
import dev.vivarium.node.lab.LabUp;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vivarium lab ...}: a cluster of node processes on this machine. */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "Run a cluster of hosts on this machine, on loopback.",
        subcommands = {LabCommand.Up.class, LabCommand.Status.class, LabCommand.Down.class,
                LabCommand.Logs.class, LabCommand.Destroy.class, LabCommand.Login.class})
public final class LabCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Start the lab's node processes (host-1 ... host-N) and wait until every node is Up.",
                    "Returns while the lab keeps running. On a running lab it prints the summary and exits 0."})
    static final class Up implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Option(names = "--nodes", defaultValue = "3", description = "How many hosts (default: ${DEFAULT-VALUE}).")
        int nodes;

        @Option(names = "--vms", defaultValue = "6", description = "How many demo VMs (default: ${DEFAULT-VALUE}).")
        int vms;

        @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
                description = "How long to wait for every node to be Up (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (nodes < 1 || nodes > 32) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--nodes must be in 1..32, not " + nodes);
            }
            if (vms < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--vms must not be negative");
            }
            return new LabUp(dir.labDir(), System.out, System.err).run(nodes, vms, Duration.ofSeconds(timeoutSeconds));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show the lab's nodes. Exit status 0 when every node runs, 1 otherwise.")
    static final class Status implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Override
        public Integer call() throws Exception {
            return new LabStatus(dir.labDir(), System.out, System.err).status();
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stop every node cleanly (each leaves the cluster); exits 0 on a stopped lab too.")
    static final class Down implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Override
        public Integer call() throws Exception {
            return new LabStatus(dir.labDir(), System.out, System.err).down();
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true, description = "Print a node's log.")
    static final class Logs implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Parameters(paramLabel = "NODE", description = "host-1, host-2, ...")
        String node;

        @Override
        public Integer call() throws Exception {
            return new LabStatus(dir.labDir(), System.out, System.err).logs(node);
        }
    }

    @Command(name = "login", mixinStandardHelpOptions = true,
            description = {"Print a link that signs a browser in to the web client, once, within 15 minutes.",
                    "It opens the page on the first node that runs."})
    static final class Login implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Override
        public Integer call() throws Exception {
            return new LabStatus(dir.labDir(), System.out, System.err).login();
        }
    }

    @Command(name = "destroy", mixinStandardHelpOptions = true, description = "Stop the lab and delete its folder.")
    static final class Destroy implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Override
        public Integer call() throws Exception {
            return new LabStatus(dir.labDir(), System.out, System.err).destroy();
        }
    }
}
