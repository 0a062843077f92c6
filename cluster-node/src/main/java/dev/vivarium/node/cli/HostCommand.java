package dev.vivarium.node.cli;

import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.Table;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vivarium host ...}: the cluster's hosts. */
@Command(name = "host", mixinStandardHelpOptions = true, description = "The hosts of a lab's cluster.")
public final class HostCommand implements Runnable, CommandGroup {

    @Override
    public List<Class<?>> subcommands() {
        return List.of(HostCommand.ListHosts.class, MaintenanceCommand.class, HostGroupCommand.class);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List every host the inventory knows with its state (connected, maintenance, disconnected, "
                    + "notResponding), cluster membership and figures.")
    static final class ListHosts implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Option(names = "--json", description = "Print the API's JSON array instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            int listed = list();
            if (listed == 0 && !json) {
                // HA's view under the table: how many host failures the cluster can take now.
                ApiCall.run("host list", dir, api -> {
                    var c = Json.MAPPER.readTree(api.get("/api/v1/cluster").body());
                    System.out.println("Failover capacity: " + c.path("failoverCapacity").asInt() + " host failure(s) "
                            + "(HA admission control tolerates " + c.path("hostFailuresToTolerate").asInt() + ": "
                            + c.path("admissionControl").asText() + "); protected VMs " + c.path("protectedMemoryMiB").asLong()
                            + " MiB of " + c.path("memoryMiB").asLong() + " MiB");
                });
            }
            return listed;
        }

        private int list() {
            return ApiCall.list("host list", dir, json, "/api/v1/hosts",
                    new Table("NAME", "STATE", "MEMBER", "ADDRESS", "CAPACITY MIPS", "USED MIPS", "MEMORY MIB", "VMS", "MAINTENANCE"),
                    h -> new Object[] {h.get("name"), h.get("state"), h.get("memberStatus"), h.get("address"), h.get("capacityMips"),
                            h.get("usedMips"), h.get("memoryMiB"), h.get("vms"), h.get("inMaintenanceMode")});
        }
    }
}
