package org.kexecverify.tla;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** The manifest of bundled models ({@code tla-models/manifest.json}) and how to stage one for TLC. */
final class BundledModels {
    private BundledModels() {}

    record Entry(String name, String module, String config, String scenario, String obligation,
                 String expect, String property, long distinctStates, List<String> traceMentions,
                 JsonNode lastState) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Entry> manifest() {
        try (InputStream in = BundledModels.class.getResourceAsStream("/tla-models/manifest.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<Entry> out = new ArrayList<>();
            for (JsonNode m : root.get("models")) {
                List<String> mentions = new ArrayList<>();
                if (m.has("traceMentions")) m.get("traceMentions").forEach(x -> mentions.add(x.asText()));
                out.add(new Entry(m.get("name").asText(), m.get("module").asText(), m.get("config").asText(),
                        m.get("scenario").asText(), m.path("obligation").asText(""), m.get("expect").asText(),
                        m.path("property").asText(""), m.get("distinctStates").asLong(), mentions,
                        m.path("lastState")));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the shipped modules plus the model's .tla and .cfg into {@code dir}. */
    static void stage(Entry e, Path dir) throws IOException {
        TlaModules.copyTo(dir);
        for (String f : List.of(e.module() + ".tla", e.config())) {
            try (InputStream in = BundledModels.class.getResourceAsStream("/tla-models/" + f)) {
                if (in == null) throw new IOException("tla-models/" + f + " missing");
                Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
