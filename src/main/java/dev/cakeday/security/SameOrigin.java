package dev.cakeday.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.WebUtils;

/**
 * Refuses actions (any method but GET, HEAD and OPTIONS) that a page on another site made a browser
 * send. Several take no body, so a browser sends them cross-site without asking first, and an API
 * without tokens (the local mode) would carry them out. The browser says where a request comes
 * from: {@code Sec-Fetch-Site}, or without it an {@code Origin}; a request with neither, from curl
 * or a script, is not a browser's and passes. The unsubscribe links are exempt: their HMAC is their
 * authority.
 *
 * <p>Basic credentials on the task view's paths are ambient: once a browser holds them for this
 * server it attaches them to every request to it. So an action sent with them must also show that
 * this server's own page sent it: {@code Sec-Fetch-Site: same-origin}, or an {@code Origin} naming
 * this server (scheme, host and port as the request reached it). A bearer token needs no such
 * proof: no browser adds that header by itself.
 */
final class SameOrigin extends OncePerRequestFilter {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    /** Where a request says it comes from. */
    private enum Source {
        THIS_SERVER,
        ELSEWHERE,
        UNSTATED
    }

    private final RequestMatcher basicPaths;
    private final RequestMatcher exempt;
    private final ProblemResponses problems;

    /**
     * {@code basicPaths}: where Basic credentials are taken; {@code exempt}: where a cross-site
     * action is allowed.
     */
    SameOrigin(RequestMatcher basicPaths, RequestMatcher exempt, ProblemResponses problems) {
        this.basicPaths = basicPaths;
        this.exempt = exempt;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return SAFE.contains(request.getMethod()) || exempt.matches(request);
    }

    @Override
    protected void doFilterInternal(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Source source = source(request);
        boolean basic = TokenConverter.isBasic(request) && basicPaths.matches(request);
        if (source == Source.ELSEWHERE || (basic && source != Source.THIS_SERVER)) {
            problems.crossSite(response);
            return;
        }
        chain.doFilter(request, response);
    }

    private static Source source(HttpServletRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null) {
            // "none": the person asked for it (a bookmark, the address bar), no page did.
            return switch (site.toLowerCase(Locale.ROOT)) {
                case "same-origin" -> Source.THIS_SERVER;
                case "none" -> Source.UNSTATED;
                default -> Source.ELSEWHERE;
            };
        }
        if (request.getHeader(HttpHeaders.ORIGIN) == null) {
            return Source.UNSTATED;
        }
        try {
            return WebUtils.isSameOrigin(new ServletServerHttpRequest(request))
                    ? Source.THIS_SERVER
                    : Source.ELSEWHERE;
        } catch (IllegalArgumentException malformedOrigin) {
            return Source.ELSEWHERE;
        }
    }
}
