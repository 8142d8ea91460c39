package org.kexecverify.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code completion}: the bash completion script picocli generates from the command-line model (zsh loads it through
 * bashcompinit). {@code docs/kexec-verify-completion.bash} is this output, and a test keeps the two equal.
 */
@Command(name = "completion", description = "Print a bash/zsh completion script for kexec-verify, generated from the CLI: "
        + "'source <(./kexec-verify completion)' (zsh: 'autoload -U +X bashcompinit && bashcompinit' first).")
public final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(script(spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return ExitCode.PROVED;
    }

    static String script(picocli.CommandLine root) {
        return AutoComplete.bash("kexec-verify", root);
    }
}
