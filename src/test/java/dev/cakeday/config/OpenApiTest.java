package dev.cakeday.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.Api;
import dev.cakeday.support.IntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * The served OpenAPI document lists every endpoint Cakeday maps, with its error answers; Swagger UI
 * is served.
 */
class OpenApiTest extends IntegrationTest {

    @LocalServerPort int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void everyEndpointIsDocumented() {
        JsonNode paths = new Api(port).get("/v3/api-docs").json().get("paths");
        List<String> endpoints = new ArrayList<>();
        mappings.getHandlerMethods()
                .forEach(
                        (info, method) -> {
                            if (!method.getBeanType().getPackageName().startsWith("dev.cakeday")) {
                                return;
                            }
                            for (String path : info.getPatternValues()) {
                                for (RequestMethod verb : info.getMethodsCondition().getMethods()) {
                                    endpoints.add(verb.name().toLowerCase() + " " + path);
                                }
                            }
                        });

        assertThat(endpoints)
                .contains(
                        "post /user",
                        "get /user",
                        "get /user/{id}",
                        "put /user/{id}",
                        "delete /user/{id}",
                        "get /user/{id}/greetings",
                        "get /unsubscribe/{token}",
                        "post /unsubscribe/{token}");
        for (String endpoint : endpoints) {
            String[] verbAndPath = endpoint.split(" ");
            JsonNode operation = paths.path(verbAndPath[1]).path(verbAndPath[0]);
            assertThat(operation.isMissingNode()).as(endpoint + " is documented").isFalse();
            assertThat(operation.path("summary").asString()).as(endpoint + " summary").isNotBlank();
            // The unsubscribe page answers every token alike, a malformed one included.
            if (!verbAndPath[1].startsWith("/unsubscribe/")) {
                assertThat(operation.path("responses").has("400"))
                        .as(endpoint + " documents 400")
                        .isTrue();
            }
        }
        assertThat(paths.path("/user").path("post").path("requestBody").toString())
                .contains("UserRequest");
        JsonNode schemas =
                new Api(port).get("/v3/api-docs").json().path("components").path("schemas");
        for (String schema : List.of("UserRequest", "UserResponse")) {
            assertThat(schemas.path(schema).path("properties").has("locale")).as(schema).isTrue();
            assertThat(
                            schemas.path(schema)
                                    .path("properties")
                                    .path("optOut")
                                    .path("type")
                                    .asString())
                    .as(schema)
                    .isEqualTo("array");
        }
    }

    /** A reader who copies the documented example gets a user imported, not a row refused. */
    @Test
    void theDocumentedImportExampleImports() {
        Api api = new Api(port);
        String example =
                api.get("/v3/api-docs")
                        .json()
                        .path("paths")
                        .path("/user/import")
                        .path("post")
                        .path("requestBody")
                        .path("content")
                        .path("text/csv")
                        .path("schema")
                        .path("example")
                        .asString();
        assertThat(example).startsWith("firstName,lastName,email,birthday,timezone");
        String unique =
                example.replace("ada@example.com", "ada-" + System.nanoTime() + "@example.com");

        Api.Response imported = api.send("POST", "/user/import", "text/csv", unique);

        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        assertThat(imported.json().get("imported").asInt()).as(imported.body()).isEqualTo(1);
    }

    @Test
    void swaggerUiIsServed() {
        Api api = new Api(port);
        Api.Response ui = api.get("/swagger-ui/index.html");
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui");
        assertThat(api.get("/swagger-ui.html").status()).isIn(200, 302);
    }
}
