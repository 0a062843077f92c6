package dev.vivarium.node.cli;

import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.Table;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vivarium rule list|create|delete}: DRS's placement rules. */
@Command(name = "rule", mixinStandardHelpOptions = true,
        description = "DRS rules: VMs kept together or apart, VMs that must or should run (or not run) on a host group.",
        subcommands = {RuleCommand.ListRules.class, RuleCommand.Create.class, RuleCommand.Delete.class})
public final class RuleCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the rules and whether the VMs break them now.")
    static final class ListRules implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Option(names = "--json", description = "Print the API's JSON array instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            return ApiCall.list("rule list", dir, json, "/api/v1/rules", new Table("NAME", "KIND", "VMS", "HOST GROUP", "BROKEN"),
                    r -> new Object[] {r.get("name"), r.get("kind"), String.join(",", strings(r.get("vms"))), r.get("hostGroup"),
                            r.get("broken")});
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a rule. Kinds: affinity (keep the VMs on one host), anti-affinity (on different hosts),",
                    "must-run-on, should-run-on, must-not-run-on, should-not-run-on (with --host-group; see host group create)."})
    static final class Create implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Parameters(paramLabel = "NAME", description = "The rule's name.")
        String name;

        @Option(names = "--kind", required = true, paramLabel = "KIND", description = "affinity, anti-affinity, must-run-on, ...")
        String kind;

        @Option(names = "--vms", required = true, split = ",", paramLabel = "VM,VM", description = "The VMs it is about.")
        List<String> vms;

        @Option(names = "--host-group", paramLabel = "GROUP", description = "The host group of a VM-host rule.")
        String hostGroup;

        @Option(names = "--json", description = "Print the API's JSON object instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("name", name);
            spec.put("kind", kind);
            spec.put("vms", vms);
            spec.put("hostGroup", hostGroup);
            return ApiCall.run("rule create", dir,
                    api -> VmManageCommands.printObject(api.send("POST", "/api/v1/rules", Json.write(spec)).body(), json));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a rule.")
    static final class Delete implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Parameters(paramLabel = "NAME", description = "The rule.")
        String name;

        @Override
        public Integer call() {
            return ApiCall.run("rule delete", dir, api -> {
                api.send("DELETE", "/api/v1/rules/" + name, null);
                System.out.println("Deleted rule " + name + ".");
            });
        }
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(Object list) {
        return list == null ? List.of() : ((List<Object>) list).stream().map(String::valueOf).toList();
    }
}
