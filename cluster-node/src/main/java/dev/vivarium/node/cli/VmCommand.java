package dev.vivarium.node.cli;

import dev.vivarium.node.client.Table;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vivarium vm ...}: the cluster's virtual machines. */
@Command(name = "vm", mixinStandardHelpOptions = true, description = "The virtual machines of a lab's cluster.")
public final class VmCommand implements Runnable, CommandGroup {

    @Override
    public List<Class<?>> subcommands() {
        return List.of(VmCommand.ListVms.class, VmManageCommands.Get.class, VmManageCommands.Create.class,
                VmManageCommands.Reconfigure.class, VmManageCommands.Delete.class, VmPowerCommands.PowerOn.class,
                VmPowerCommands.PowerOff.class, VmPowerCommands.Reset.class, VmPowerCommands.Shutdown.class,
                VmPowerCommands.Pause.class, VmPowerCommands.Unpause.class, VmPowerCommands.Suspend.class,
                VmPowerCommands.Resume.class, VmPowerCommands.Migrate.class, VmPowerCommands.Migrations.class,
                SnapshotCommand.class);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the VMs with their power state and host.")
    static final class ListVms implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Option(names = "--json", description = "Print the API's JSON array instead of a table.")
        boolean json;

        @Option(names = {"-w", "--watch"},
                description = "Print the list again whenever the inventory changes (live, from GET /api/v1/inventory), until interrupted.")
        boolean watch;

        @Override
        public Integer call() {
            if (watch) {
                return ApiCall.watch("vm list", dir, json, "vms", ListVms::table, ListVms::row);
            }
            return ApiCall.list("vm list", dir, json, "/api/v1/vms", table(), ListVms::row);
        }

        private static Table table() {
            return new Table("NAME", "POWER", "DESIRED", "HOST", "EPOCH", "MEMORY MIB", "WORKLOAD");
        }

        private static Object[] row(Map<String, Object> vm) {
            return new Object[] {vm.get("name"), vm.get("powerState"), vm.get("desiredPowerState"), vm.get("host"),
                    vm.get("epoch"), vm.get("memoryMiB"), vm.get("workload")};
        }
    }
}
