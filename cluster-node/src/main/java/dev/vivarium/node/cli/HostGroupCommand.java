package dev.vivarium.node.cli;

import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.Table;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vivarium host group list|create|delete}: the host groups VM–host rules name. */
@Command(name = "group", mixinStandardHelpOptions = true, description = "Host groups, which VM-host rules name.",
        subcommands = {HostGroupCommand.ListGroups.class, HostGroupCommand.Create.class, HostGroupCommand.Delete.class})
public final class HostGroupCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the host groups.")
    static final class ListGroups implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Option(names = "--json", description = "Print the API's JSON array instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            return ApiCall.list("host group list", dir, json, "/api/v1/host-groups", new Table("NAME", "HOSTS"),
                    g -> new Object[] {g.get("name"), String.join(",", RuleCommand.strings(g.get("hosts")))});
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a host group, or give an existing one these hosts (its rules follow).")
    static final class Create implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Parameters(paramLabel = "NAME", description = "The group's name.")
        String name;

        @Option(names = "--hosts", required = true, split = ",", paramLabel = "HOST,HOST", description = "Its hosts.")
        List<String> hosts;

        @Option(names = "--json", description = "Print the API's JSON object instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            return ApiCall.run("host group create", dir, api -> VmManageCommands.printObject(
                    api.send("POST", "/api/v1/host-groups", Json.write(Map.of("name", name, "hosts", hosts))).body(), json));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a host group no rule names.")
    static final class Delete implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Parameters(paramLabel = "NAME", description = "The group.")
        String name;

        @Override
        public Integer call() {
            return ApiCall.run("host group delete", dir, api -> {
                api.send("DELETE", "/api/v1/host-groups/" + name, null);
                System.out.println("Deleted host group " + name + ".");
            });
        }
    }
}
