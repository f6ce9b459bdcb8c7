package dev.vigil.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.VigilException;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.VigilStateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The monitors of each version, as the JSON the REST API reads and writes (MonitorCodec). They are decoded
 * against their version by the server, so a monitor stays readable when its version changes.
 *
 * <p>An action's {@code url} (a webhook or a Slack incoming webhook, which is itself a credential) is stored
 * encrypted, as {@code url_enc}, like data-source passwords (decision 0002); so is a PagerDuty or Opsgenie action's
 * {@code key}, as {@code key_enc} (decision 0023). Callers give and get both in the clear.
 */
public final class MonitorRepository {
    private static final String URL = "url";
    private static final String URL_ENC = "url_enc";
    private static final String KEY = "key";
    private static final String KEY_ENC = "key_enc";

    private final Database db;
    private final SecretCipher cipher;

    MonitorRepository(Database db, SecretCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    /** A stored monitor: its name and spec. */
    public record StoredMonitor(String name, JsonNode spec) {}

    /** Inserts or replaces monitor {@code name} of a version, which must exist. */
    public Change upsert(String modelId, String version, String name, JsonNode spec) {
        return db.inTransaction("save monitor " + modelId + "/" + version + "/" + name, c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT 1 FROM model_versions WHERE model_id = ? AND version = ? FOR UPDATE")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new VigilNotFoundException(
                                "version '" + version + "' of model '" + modelId + "' does not exist; create it first");
                    }
                }
            }
            OffsetDateTime now = db.now();
            Optional<JsonNode> stored = Optional.empty();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT spec FROM monitors WHERE model_id = ? AND version = ? AND name = ? FOR UPDATE")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                ps.setString(3, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        stored = Optional.of(
                                decrypted(Database.json(rs.getString(1), "monitors/" + name), modelId, version, name));
                    }
                }
            }
            if (stored.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO monitors (model_id, version, name, spec,"
                        + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, modelId);
                    ps.setString(2, version);
                    ps.setString(3, name);
                    ps.setString(4, encrypted(spec, modelId, version, name).toString());
                    ps.setObject(5, now);
                    ps.setObject(6, now);
                    ps.executeUpdate();
                }
                return Change.CREATED;
            }
            // compared as both read back from text: a spec built in memory holds longs (LongNode) where the stored
            // text reads back as ints (IntNode), and JsonNode.equals tells those apart
            if (stored.get().equals(Database.json(spec.toString(), "monitors/" + name))) {
                return Change.UNCHANGED;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE monitors SET spec = ?, updated_at = ?"
                    + " WHERE model_id = ? AND version = ? AND name = ?")) {
                ps.setString(1, encrypted(spec, modelId, version, name).toString());
                ps.setObject(2, now);
                ps.setString(3, modelId);
                ps.setString(4, version);
                ps.setString(5, name);
                ps.executeUpdate();
            }
            return Change.UPDATED;
        });
    }

    /** The monitors of a version, by name. */
    public List<StoredMonitor> list(String modelId, String version) {
        return db.inTransaction("read the monitors of " + modelId + "/" + version, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT name, spec FROM monitors WHERE model_id = ? AND version = ? ORDER BY name")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                List<StoredMonitor> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StoredMonitor(
                                rs.getString(1),
                                decrypted(
                                        Database.json(rs.getString(2), "monitors/" + rs.getString(1)),
                                        modelId,
                                        version,
                                        rs.getString(1))));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Encrypts the action URLs of monitors stored before they were encrypted (schema V6 kept them in the clear), and
     * re-encrypts those stored as {@code v1:} (bound to no row) as {@code v2:}, bound to their monitor and action;
     * run once when the metastore opens. Returns how many monitors were rewritten.
     */
    int encryptStoredUrls() {
        return db.inTransaction("encrypt the monitors' action URLs", c -> {
            List<String[]> plain = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                            "SELECT model_id, version, name, spec FROM monitors WHERE spec LIKE '%\"url\"%'"
                                    + " OR spec LIKE '%\"v1:%'");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    JsonNode spec;
                    try {
                        spec = Database.json(rs.getString(4), "monitors/" + rs.getString(3));
                    } catch (VigilException e) {
                        continue; // unreadable JSON: nothing to encrypt here (listing the version's monitors reports
                        // it)
                    }
                    JsonNode sealed;
                    try {
                        sealed = encrypted(
                                decrypted(spec, rs.getString(1), rs.getString(2), rs.getString(3)),
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3));
                    } catch (VigilException e) {
                        continue; // a URL that does not decrypt (another master key): left as it is
                    }
                    if (!hasUnbound(spec) && !spec.path("actions").toString().contains("\"" + URL + "\"")) {
                        continue; // already all v2: re-encrypting would only change the IVs
                    }
                    if (!sealed.equals(spec)) {
                        plain.add(new String[] {
                            rs.getString(1), rs.getString(2), rs.getString(3), sealed.toString(), rs.getString(4)
                        });
                    }
                }
            }
            for (String[] m : plain) {
                // only if unchanged since it was read: a concurrent upsert (a shared metastore) has encrypted it
                // already
                try (PreparedStatement ps = c.prepareStatement("UPDATE monitors SET spec = ? WHERE model_id = ?"
                        + " AND version = ? AND name = ? AND spec = ?")) {
                    ps.setString(1, m[3]);
                    ps.setString(2, m[0]);
                    ps.setString(3, m[1]);
                    ps.setString(4, m[2]);
                    ps.setString(5, m[4]);
                    ps.executeUpdate();
                }
            }
            return plain.size();
        });
    }

    /**
     * Re-encrypts every stored action URL from this repository's key to {@code newKey}, bound to its monitor and action,
     * inside the caller's transaction {@code c} (key rotation, decision 0002); a URL still in the clear (schema V6) is
     * encrypted too. A URL that does not decrypt with the current key, or a spec that is not JSON, stops it with a
     * {@link VigilStateException} naming the monitor, so the caller rolls everything back. Returns how many URLs and keys were
     * re-encrypted.
     */
    int reencryptAll(Connection c, SecretCipher newKey) throws SQLException {
        List<String[]> rewritten = new ArrayList<>();
        int urls = 0;
        try (PreparedStatement ps = c.prepareStatement(
                        "SELECT model_id, version, name, spec FROM monitors ORDER BY model_id, version, name FOR UPDATE");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String modelId = rs.getString(1);
                String version = rs.getString(2);
                String name = rs.getString(3);
                String monitor = "monitor " + modelId + "/" + version + "/" + name;
                JsonNode spec;
                try {
                    spec = Database.json(rs.getString(4), "monitors/" + name);
                } catch (VigilException e) {
                    throw new VigilStateException(
                            "Cannot rotate the master key: the spec of " + monitor + " is not JSON, so its action URLs"
                                    + " cannot be re-encrypted; nothing was changed",
                            e);
                }
                int[] count = {0};
                JsonNode plain = mapActions(spec, URL_ENC, URL, (i, enc) -> {
                    try {
                        return cipher.decrypt(enc, row(modelId, version, name, i));
                    } catch (VigilStateException e) {
                        throw new VigilStateException(
                                "Cannot rotate the master key: the URL of action #" + (i + 1) + " of " + monitor
                                        + " does not decrypt with the current master key; nothing was changed",
                                e);
                    }
                });
                plain = mapActions(plain, KEY_ENC, KEY, (i, enc) -> {
                    try {
                        return cipher.decrypt(enc, keyRow(modelId, version, name, i));
                    } catch (VigilStateException e) {
                        throw new VigilStateException(
                                "Cannot rotate the master key: the key of action #" + (i + 1) + " of " + monitor
                                        + " does not decrypt with the current master key; nothing was changed",
                                e);
                    }
                });
                JsonNode sealed = mapActions(plain, URL, URL_ENC, (i, url) -> {
                    count[0]++;
                    return newKey.encrypt(url, row(modelId, version, name, i));
                });
                sealed = mapActions(sealed, KEY, KEY_ENC, (i, key) -> {
                    count[0]++;
                    return newKey.encrypt(key, keyRow(modelId, version, name, i));
                });
                if (count[0] > 0) {
                    urls += count[0];
                    rewritten.add(new String[] {modelId, version, name, sealed.toString()});
                }
            }
        }
        for (String[] m : rewritten) {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE monitors SET spec = ? WHERE model_id = ? AND version = ? AND name = ?")) {
                ps.setString(1, m[3]);
                ps.setString(2, m[0]);
                ps.setString(3, m[1]);
                ps.setString(4, m[2]);
                ps.executeUpdate();
            }
        }
        return urls;
    }

    /** The row an action's URL is bound to (the AAD of its {@code v2:} ciphertext): monitor|version|name|action. */
    static String row(String modelId, String version, String name, int action) {
        return "monitor " + modelId + "|" + version + "|" + name + "|action " + action;
    }

    /** The row an action's key is bound to: its URL's row, marked as the key's so one cannot stand for the other. */
    static String keyRow(String modelId, String version, String name, int action) {
        return row(modelId, version, name, action) + "|key";
    }

    private static boolean hasUnbound(JsonNode spec) {
        for (JsonNode action : spec.path("actions")) {
            if (action.path(URL_ENC).isTextual()
                    && !SecretCipher.isBound(action.path(URL_ENC).asText())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The spec with each action's {@code url} replaced by {@code url_enc} and {@code key} by {@code key_enc}, bound to
     * its monitor and action.
     */
    private JsonNode encrypted(JsonNode spec, String modelId, String version, String name) {
        JsonNode urls = mapActions(spec, URL, URL_ENC, (i, url) -> cipher.encrypt(url, row(modelId, version, name, i)));
        return mapActions(urls, KEY, KEY_ENC, (i, key) -> cipher.encrypt(key, keyRow(modelId, version, name, i)));
    }

    /**
     * The spec with each action's {@code url_enc} replaced by {@code url} (plain ones, from V6, pass through) and
     * {@code key_enc} by {@code key}.
     */
    private JsonNode decrypted(JsonNode spec, String modelId, String version, String name) {
        JsonNode urls = mapActions(spec, URL_ENC, URL, (i, enc) -> cipher.decrypt(enc, row(modelId, version, name, i)));
        return mapActions(urls, KEY_ENC, KEY, (i, enc) -> cipher.decrypt(enc, keyRow(modelId, version, name, i)));
    }

    private static JsonNode mapActions(
            JsonNode spec, String from, String to, java.util.function.BiFunction<Integer, String, String> change) {
        JsonNode actions = spec.path("actions");
        if (!actions.isArray()) {
            return spec;
        }
        ObjectNode copy = spec.deepCopy();
        ArrayNode mapped = copy.putArray("actions");
        int i = 0;
        for (JsonNode action : actions) {
            int index = i++;
            if (action.isObject() && action.path(from).isTextual()) {
                ObjectNode a = ((ObjectNode) action).deepCopy();
                a.put(to, change.apply(index, a.remove(from).asText()));
                mapped.add(a);
            } else {
                mapped.add(action);
            }
        }
        return copy;
    }

    /** Deletes a monitor (its alerts stay); false when there was none. */
    public boolean delete(String modelId, String version, String name) {
        return db.inTransaction("delete monitor " + modelId + "/" + version + "/" + name, c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM monitors WHERE model_id = ? AND version = ? AND name = ?")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                ps.setString(3, name);
                return ps.executeUpdate() > 0;
            }
        });
    }
}
