package dev.cakeday.user.importing;

import dev.cakeday.config.ApiErrors;
import dev.cakeday.user.UserRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Users")
@ApiErrors
class UserImportController {

    private final ImportUpload upload;

    UserImportController(ImportUpload upload) {
        this.upload = upload;
    }

    @Operation(
            summary = "Import users in bulk",
            description =
                    """
            CSV with the header `firstName,lastName,email,birthday,timezone[,anniversary]` (columns in any \
            order), or NDJSON: one user object per line, as for POST /user. Each row obeys the rules of \
            POST /user. Valid rows are imported; the others are reported with their row number (1 = the \
            first data row), field and reason. An email repeated in the file or already taken is refused, \
            never overwritten. The new users' greetings in the planning window are planned before the \
            answer. The body is received whole before the import starts; then all of it runs in one \
            transaction: if the import fails, nothing of it is kept.""",
            requestBody =
                    @RequestBody(
                            content = {
                                @Content(
                                        mediaType = "text/csv",
                                        schema =
                                                @Schema(
                                                        type = "string",
                                                        example =
                                                                "firstName,lastName,email,birthday,timezone\nAda,Lovelace,ada@example.com,1990-12-10,Europe/London\n")),
                                @Content(
                                        mediaType = "application/x-ndjson",
                                        schema = @Schema(implementation = UserRequest.class))
                            }))
    @ApiResponse(
            responseCode = "200",
            description = "The import ran; the report counts what was imported and refused")
    @ApiResponse(
            responseCode = "413",
            description = "Over cakeday.import.max-size",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(
            responseCode = "429",
            description =
                    "cakeday.import.max-concurrent imports already run on this "
                            + "instance; try again after Retry-After",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(
            responseCode = "415",
            description = "Not sent as text/csv or application/x-ndjson",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(
            path = "/user/import",
            consumes = {"text/csv", "application/x-ndjson"},
            produces = MediaType.APPLICATION_JSON_VALUE)
    ImportReport importUsers(HttpServletRequest request) throws IOException {
        ImportFormat format =
                ImportFormat.of(MediaType.parseMediaType(request.getContentType())).orElseThrow();
        return upload.receive(request.getInputStream(), request.getContentLengthLong(), format);
    }
}
