package dev.vivarium.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.Table;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vivarium task ...}: the operations that take time (power on, snapshot, maintenance, ...). */
@Command(name = "task", mixinStandardHelpOptions = true, description = "Tasks: operations that take time, as the API reports them.",
        subcommands = {TaskCommand.Get.class, TaskCommand.ListTasks.class})
public final class TaskCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Show a task: running, succeeded (with its result) or failed (with the reason; exit 1).")
    static final class Get implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Parameters(paramLabel = "ID", description = "The task's id, e.g. host-1-7 (the node that accepted it keeps it).")
        String id;

        @Option(names = "--json", description = "Print the API's JSON.")
        boolean json;

        @Override
        public Integer call() {
            int[] status = {0};
            int called = ApiCall.run("task get", dir, api -> {
                String answer = api.getFromAny("/api/v1/tasks/" + id).body();
                JsonNode task = Json.MAPPER.readTree(answer);
                if (!json && "running".equals(task.path("state").asText())) {
                    System.out.println(task.path("id").asText() + "  running  " + task.path("description").asText());
                    return;
                }
                status[0] = TaskOptions.printOutcome("task get", task, answer, json);
            });
            return called != 0 ? called : status[0];
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the tasks the first answering node keeps.")
    static final class ListTasks implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Option(names = "--json", description = "Print the API's JSON array instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            return ApiCall.list("task list", dir, json, "/api/v1/tasks",
                    new Table("ID", "STATE", "DESCRIPTION", "STARTED", "RESULT OR REASON"),
                    t -> new Object[] {t.get("id"), t.get("state"), t.get("description"), t.get("started"),
                            t.get("result") != null ? t.get("result") : t.get("reason")});
        }
    }
}
