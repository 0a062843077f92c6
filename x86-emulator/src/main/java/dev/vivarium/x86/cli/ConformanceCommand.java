package dev.vivarium.x86.cli;

import dev.vivarium.x86.conformance.ConformanceInputException;
import dev.vivarium.x86.conformance.ConformanceRunner;
import dev.vivarium.x86.conformance.Report;
import dev.vivarium.x86.conformance.RunOptions;
import dev.vivarium.x86.conformance.RunResult;
import dev.vivarium.x86.conformance.SuiteFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** `vivarium x86 conformance PATH...`: runs SingleStepTests files against the emulated processor. */
@Command(name = "conformance",
        mixinStandardHelpOptions = true,
        description = {
            "Runs per-instruction tests recorded on real hardware (SingleStepTests JSON, .json.gz) "
                    + "against the emulated processor. metadata.json (flag masks) and "
                    + "revocation_list.txt (bad tests) are read from beside the files.",
            "Prints a line per opcode form with failures and ends with 'N passed, M failed, K skipped' "
                    + "(skipped: known 286-vs-386 differences and revoked tests, not in the pass rate)."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:the pass rate is at least --min-pass-rate",
            "1:the pass rate is below --min-pass-rate",
            "2:usage error or unreadable input (missing path, bad gzip or JSON)"})
public final class ConformanceCommand implements Callable<Integer> {

    static final int BELOW_MIN_PASS_RATE = 1;
    static final int BAD_INPUT = 2;
    private static final int VERBOSE_FAILURES = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "1..*",
            description = "Test files (.json.gz) or folders holding them.")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--json", description = "Print only {\"passed\":N,\"failed\":M,\"skipped\":K,\"forms\":[...]}.")
    boolean json;

    @Option(names = "--min-pass-rate", paramLabel = "P", defaultValue = "100",
            description = "Exit 0 when passed/(passed+failed) is at least P percent, else 1 (default ${DEFAULT-VALUE}).")
    double minPassRate;

    @Option(names = "--show-failures", paramLabel = "N", defaultValue = "-1",
            description = "Print the first N failing tests of each form: bytes, initial registers, each difference.")
    int showFailures;

    @Option(names = {"-v", "--verbose"},
            description = "Print the first " + VERBOSE_FAILURES + " failures of each form (unless --show-failures)"
                    + " and the skipped tests per reason.")
    boolean verbose;

    @Option(names = "--form", paramLabel = "FORM", split = ",",
            description = "Run only these forms (file names without .json.gz, e.g. F7.6).")
    List<String> forms = new ArrayList<>();

    @Option(names = "--first", paramLabel = "N", defaultValue = "0",
            description = "Run only the first N tests of each file (0: all).")
    int first;

    @Option(names = "--threads", paramLabel = "N",
            description = "Worker threads, each with its own processor (default: one per core).")
    Integer threads;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!(minPassRate >= 0 && minPassRate <= 100)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--min-pass-rate must be between 0 and 100, not " + minPassRate);
        }
        if (first < 0 || (threads != null && threads < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--first and --threads must be positive");
        }
        int keep = showFailures >= 0 ? showFailures : verbose ? VERBOSE_FAILURES : 0;
        RunOptions options = new RunOptions(first, Set.copyOf(forms), keep,
                threads != null ? threads : Runtime.getRuntime().availableProcessors());
        RunResult result;
        try {
            result = new ConformanceRunner(options).run(SuiteFile.resolve(paths));
        } catch (ConformanceInputException e) {
            err.println("conformance: " + e.getMessage());
            err.flush();
            return BAD_INPUT;
        }
        // Details go to stderr under --json, so stdout stays one JSON object.
        PrintWriter details = json ? err : out;
        if (verbose) {
            Report.skipped(result, details);
        }
        if (keep > 0) {
            Report.failures(result, details);
        }
        if (json) {
            Report.json(result, out);
            out.println();
            out.flush();
        } else {
            Report.summary(result, out);
        }
        return result.meets(minPassRate) ? 0 : BELOW_MIN_PASS_RATE;
    }
}
