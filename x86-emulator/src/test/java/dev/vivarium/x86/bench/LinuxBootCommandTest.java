package dev.vivarium.x86.bench;

import dev.vivarium.x86.cli.X86Command;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** `x86 bench linux` without its kernel says how to get it; the console marks it times to. */
class LinuxBootCommandTest {

    @Test
    void aMissingKernelIsNamedWithTheScriptThatFetchesIt(@TempDir Path temp) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new X86Command()).setErr(new PrintWriter(err));
        int status = cli.execute("bench", "linux", "--no-qemu", "--kernel", temp.resolve("bzImage").toString(),
                "--initrd", temp.resolve("initrd.gz").toString());
        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains("bzImage is missing; run guests/linux/fetch.sh first");
    }

    @Test
    void theBootEndsAtTheShellsFirstPromptOrAtTheKernelsNoFpuStop() {
        assertThat(LinuxConsole.reached("[ 0.5] Run /init as init process\r\nvivarium-init: sum\r\n")).isNull();
        assertThat(LinuxConsole.reached("x\r\nvivarium-init: shell on the console\r\nlinux# ")).isEqualTo("prompt");
        assertThat(LinuxConsole.reached("[ 0.56] x86/fpu: Giving up, no FPU found and no math emulation present\r\n"))
                .isEqualTo("no-fpu");
        assertThat(LinuxConsole.reached("linux# ")).as("a prompt alone, before /init's script, is not it").isNull();
        assertThat(LinuxConsole.reached("vivarium-init: shell on the console\r\n\u001b[6nlinux# ")).isEqualTo("prompt");
        assertThat(LinuxConsole.answered("linux# echo answer-42\r\nanswer-42\r\nlinux# ", "answer-42")).isTrue();
        assertThat(LinuxConsole.answered("linux# echo answer-42\r\n", "answer-42")).as("the echo of the typed line is not the answer").isFalse();
    }
}
