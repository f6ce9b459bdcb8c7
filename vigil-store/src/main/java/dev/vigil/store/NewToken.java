package dev.vigil.store;

import java.util.Objects;

/** A token just created: the only moment its plaintext exists. {@link #toString()} masks it. */
public record NewToken(TokenInfo info, String token) {
    public NewToken {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(token, "token");
    }

    @Override
    public String toString() {
        return "NewToken[info=" + info + ", token=vgl_******]";
    }
}
