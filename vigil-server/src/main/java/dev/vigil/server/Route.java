package dev.vigil.server;

/**
 * One route the server answers, as its OpenAPI document lists it.
 *
 * @param method the HTTP method, upper case ({@code GET}, {@code POST}, …)
 * @param path the path with its {@code {name}} parameters
 * @param authenticated whether it needs a bearer token (every route but health does)
 * @param role the least role its token needs ({@code viewer}, {@code editor} or {@code admin}), null when it needs none
 * @param takesBody whether it reads a JSON body
 */
public record Route(String method, String path, boolean authenticated, String role, boolean takesBody) {}
