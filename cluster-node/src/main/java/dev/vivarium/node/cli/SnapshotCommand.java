package dev.vivarium.node.cli;

import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.Table;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vivarium vm snapshot create|list|revert|delete}: a VM's named snapshots on the datastore. */
@Command(name = "snapshot", mixinStandardHelpOptions = true, description = "A VM's snapshots: whole-machine states to return to.",
        subcommands = {SnapshotCommand.Create.class, SnapshotCommand.ListSnapshots.class, SnapshotCommand.Revert.class,
                SnapshotCommand.Delete.class})
final class SnapshotCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** A task on one snapshot of one VM. */
    abstract static class OnSnapshot implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "VM", description = "The VM.")
        String vm;

        @Parameters(index = "1", paramLabel = "SNAPSHOT", description = "The snapshot's name.")
        String snapshot;

        @Mixin TaskOptions task;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Take a snapshot of a running VM.")
    static final class Create extends OnSnapshot {
        @Option(names = "--description", paramLabel = "TEXT", description = "What the snapshot is for.")
        String description = "";

        @Override
        public Integer call() {
            return task.run("vm snapshot create", "POST", "/api/v1/vms/" + vm + "/snapshots",
                    Json.write(Map.of("name", snapshot, "description", description)));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a VM's snapshots, oldest first.")
    static final class ListSnapshots implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Parameters(paramLabel = "VM", description = "The VM.")
        String vm;

        @Option(names = "--json", description = "Print the API's JSON array instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            return ApiCall.list("vm snapshot list", dir, json, "/api/v1/vms/" + vm + "/snapshots",
                    new Table("NAME", "CREATED", "DESCRIPTION"),
                    s -> new Object[] {s.get("name"), s.get("created"), s.get("description")});
        }
    }

    @Command(name = "revert", mixinStandardHelpOptions = true,
            description = "Return a VM to a snapshot (a VM that runs nowhere resumes from it at its next power-on).")
    static final class Revert extends OnSnapshot {
        @Override
        public Integer call() {
            return task.run("vm snapshot revert", "POST", "/api/v1/vms/" + vm + "/snapshots/" + snapshot + "/revert", null);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a snapshot.")
    static final class Delete extends OnSnapshot {
        @Override
        public Integer call() {
            return task.run("vm snapshot delete", "DELETE", "/api/v1/vms/" + vm + "/snapshots/" + snapshot, null);
        }
    }
}
