package dev.vivarium.x86.cli;

import dev.vivarium.x86.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `vivarium x86 ...`: the emulator's own commands. */
@Command(name = "x86",
        description = "Run and test the x86 emulator on its own.",
        mixinStandardHelpOptions = true,
        subcommands = {RunCommand.class, ConformanceCommand.class, BenchCommand.class})
public final class X86Command implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /**
     * The x86 commands without the cluster's launcher around them: {@code java -cp CLASSPATH
     * dev.vivarium.x86.cli.X86Command run IMAGE} (the benchmark's tests start whole runs so).
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new X86Command()).execute(args));
    }
}
