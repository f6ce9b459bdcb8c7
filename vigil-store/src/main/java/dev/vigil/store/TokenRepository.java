package dev.vigil.store;

import dev.vigil.core.VigilArgumentException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * API tokens: {@code vgl_} + base64url of 32 random bytes. Only the SHA-256 of a token is stored;
 * 256 bits of entropy make a slow password hash pointless (ADR 0002).
 */
public final class TokenRepository {
    private static final String PREFIX = "vgl_";
    private static final int TOKEN_BYTES = 32;
    /** {@code last_used_at} is written at most this often per token, so that reads stay reads. */
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;

    TokenRepository(Database db) {
        this.db = db;
    }

    /** A new random token named {@code name}; its plaintext is returned this once and never stored. */
    public NewToken create(String name) {
        requireName(name);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(TOKEN_BYTES));
        String hash = hash(token);
        TokenInfo info = db.inTransaction("create token " + name, c -> {
            // A new id on every attempt: a (very unlikely) clash is retried by the Database.
            TokenInfo created = new TokenInfo(newId(), name, db.now().toInstant(), null);
            insert(c, created, hash);
            return created;
        });
        return new NewToken(info, token);
    }

    /** Stores {@code plaintext} (e.g. from {@code VIGIL_ADMIN_TOKEN}) under {@code name} unless it is already stored. */
    public void ensure(String name, String plaintext) {
        requireName(name);
        if (plaintext == null || plaintext.isBlank()) {
            throw new VigilArgumentException("token: expected a non-empty token for '" + name + "'");
        }
        String hash = hash(plaintext);
        db.inTransaction("store token " + name, c -> {
            if (findByHash(c, hash).isEmpty()) {
                insert(c, new TokenInfo(newId(), name, db.now().toInstant(), null), hash);
            }
            return null;
        });
    }

    /** The token's info if {@code plaintext} is a stored token; records the use. */
    public Optional<TokenInfo> authenticate(String plaintext) {
        if (plaintext == null || plaintext.isEmpty()) {
            return Optional.empty();
        }
        // Looking up by hash reveals nothing useful through timing: an attacker controls the token, not its hash.
        String hash = hash(plaintext);
        return db.inTransaction("check a token", c -> {
            Optional<TokenInfo> found = findByHash(c, hash);
            if (found.isEmpty()) {
                return found;
            }
            TokenInfo info = found.get();
            OffsetDateTime now = db.now();
            Instant last = info.lastUsedAt();
            if (last != null && Duration.between(last, now.toInstant()).compareTo(LAST_USED_RESOLUTION) < 0) {
                return found;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")) {
                ps.setObject(1, now);
                ps.setString(2, info.id());
                ps.executeUpdate();
            }
            return Optional.of(new TokenInfo(info.id(), info.name(), info.createdAt(), now.toInstant()));
        });
    }

    /** Every token, oldest first; never the token nor its hash. */
    public List<TokenInfo> list() {
        return db.inTransaction("list tokens", c -> {
            List<TokenInfo> tokens = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                            "SELECT id, name, created_at, last_used_at FROM api_tokens ORDER BY created_at, id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tokens.add(read(rs));
                }
            }
            return tokens;
        });
    }

    /** Deletes the token with this id; false if there was none. */
    public boolean revoke(String id) {
        return db.inTransaction("revoke token " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_tokens WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** True when no token is stored (the first start). */
    public boolean isEmpty() {
        return db.inTransaction("count tokens", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM api_tokens FETCH FIRST 1 ROWS ONLY");
                    ResultSet rs = ps.executeQuery()) {
                return !rs.next();
            }
        });
    }

    private static void insert(Connection c, TokenInfo info, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO api_tokens (id, name, token_hash, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, info.id());
            ps.setString(2, info.name());
            ps.setString(3, hash);
            ps.setObject(4, Database.timestamp(info.createdAt()));
            ps.setObject(5, Database.timestamp(info.lastUsedAt()));
            ps.executeUpdate();
        }
    }

    private static Optional<TokenInfo> findByHash(Connection c, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, name, created_at, last_used_at, token_hash FROM api_tokens WHERE token_hash = ?")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                // The index found it; compare again in constant time rather than trust collation rules.
                boolean same = MessageDigest.isEqual(
                        rs.getString("token_hash").getBytes(StandardCharsets.US_ASCII),
                        hash.getBytes(StandardCharsets.US_ASCII));
                return same ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static TokenInfo read(ResultSet rs) throws SQLException {
        return new TokenInfo(
                rs.getString("id"),
                rs.getString("name"),
                Database.instant(rs, "created_at"),
                Database.instant(rs, "last_used_at"));
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new VigilArgumentException("token name: is required");
        }
    }

    /** Hex SHA-256 of the token's UTF-8 bytes. */
    static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String newId() {
        return "tok_" + HexFormat.of().formatHex(randomBytes(4));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
