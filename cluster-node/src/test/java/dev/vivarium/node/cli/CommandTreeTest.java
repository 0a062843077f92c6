package dev.vivarium.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A command line gets only its own branch of the tree, and answers exactly as with the whole tree. */
class CommandTreeTest {

    @TempDir
    Path dir;

    @Test
    void aCommandLineGetsOnlyTheBranchItTakes() {
        CommandLine top = VivariumCommand.newCommandLine("vm", "power-on", "x");
        assertThat(top.getSubcommands()).containsOnlyKeys("vm");
        assertThat(top.getSubcommands().get("vm").getSubcommands()).containsOnlyKeys("power-on");
        assertThat(VivariumCommand.newCommandLine("host", "maintenance", "enter", "h").getSubcommands().get("host")
                .getSubcommands()).containsOnlyKeys("maintenance");
        // A word that names no subcommand gets them all, and their own all.
        CommandLine typo = VivariumCommand.newCommandLine("vm", "power-of");
        assertThat(typo.getSubcommands().get("vm").getSubcommands()).containsKeys("power-on", "power-off", "list", "snapshot");
        CommandLine whole = VivariumCommand.newCommandLine();
        assertThat(whole.getSubcommands()).containsKeys("vm", "host", "lab", "x86", "bench", "drs", "fault");
        assertThat(whole.getSubcommands().get("host").getSubcommands()).containsKeys("list", "maintenance", "group");
        // Aliases name their command too (fault's kill answers to freeze).
        assertThat(VivariumCommand.newCommandLine("fault", "freeze", "h").getSubcommands()).containsOnlyKeys("fault");
    }

    @Test
    void helpUsageErrorsAndAnswersAreThoseOfTheWholeTree() {
        String lab = dir.toString();
        for (String[] line : List.of(new String[] {"--help"}, new String[] {}, new String[] {"vm"}, new String[] {"vm", "--help"},
                new String[] {"vm", "power-of", "x"}, new String[] {"vmm", "list"}, new String[] {"vm", "get"},
                new String[] {"vm", "get", "--help"}, new String[] {"vm", "create", "x", "--memory", "lots"},
                new String[] {"host", "maintenance", "--help"}, new String[] {"vm", "snapshot", "create", "--help"},
                new String[] {"vm", "get", "x", "--dir", lab}, new String[] {"vm", "power-on", "x", "--dir", lab})) {
            QuickCommandsTest.Output branch = QuickCommandsTest.capture(() -> Optional.of(VivariumCommand.newCommandLine(line).execute(line)));
            QuickCommandsTest.Output wholeTree = QuickCommandsTest.capture(() -> Optional.of(VivariumCommand.newCommandLine().execute(line)));
            assertThat(branch).as(String.join(" ", line)).isEqualTo(wholeTree);
            assertThat(branch.out() + branch.err()).as(String.join(" ", line)).isNotBlank();
        }
    }
}
