package org.kexecverify.model.scenario;

/**
 * A scenario that cannot be used: names the file, the field path and what is wrong, in one line.
 * The position is never null: {@code "-"} when unknown.
 */
public final class ScenarioError extends Exception {
    private final String file;
    private final String field;

    public ScenarioError(String file, String field, String message) {
        super(message, null, false, false);
        this.file = file == null ? "-" : file;
        this.field = field == null ? "-" : field;
    }

    public String file() { return file; }

    public String field() { return field; }

    /** {@code scenarios/x.yaml: kimage.segments[1].size: value '12Q' is not a size} */
    public String oneLine() {
        return file + ": " + field + ": " + getMessage();
    }
}
