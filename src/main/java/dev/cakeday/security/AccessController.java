package dev.cakeday.security;

import dev.cakeday.config.ApiErrors;
import dev.cakeday.config.ApiProperties;
import dev.cakeday.config.ApiProperties.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /access}: who the presented token is and what it may do, so that a page (the console)
 * shows an action only to whom may take it, without trying one.
 */
@RestController
@Tag(name = "Access", description = "The caller's token name and role")
@ApiErrors
class AccessController {

    /** The token's name and role; on an API without tokens, anyone may do everything. */
    record Access(
            @Schema(description = "The token's name; anonymous on an API without tokens")
                    String name,
            @Schema(description = "READER reads; ADMIN also writes and acts") Role role) {}

    @Operation(summary = "The caller's access", description = "The token's name and its role.")
    @ApiResponse(responseCode = "200", description = "The caller's access")
    @GetMapping(path = "/access", produces = MediaType.APPLICATION_JSON_VALUE)
    Access access(Authentication authentication) {
        if (authentication == null || authentication instanceof AnonymousAuthenticationToken) {
            return new Access(ApiProperties.ANONYMOUS, Role.ADMIN);
        }
        return new Access(
                authentication.getName(),
                ApiTokens.isAdmin(authentication) ? Role.ADMIN : Role.READER);
    }
}
