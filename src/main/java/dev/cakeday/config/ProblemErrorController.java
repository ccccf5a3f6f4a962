package dev.cakeday.config;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The error page as problem+json: what the server refuses before any handler runs (a malformed
 * request line or URI) is reported in the same form as every other error. It tells the status only,
 * never what was sent.
 */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status =
                code instanceof Integer c && HttpStatus.resolve(c) != null
                        ? HttpStatus.valueOf(c)
                        : HttpStatus.INTERNAL_SERVER_ERROR;
        ProblemDetail problem =
                ProblemDetail.forStatusAndDetail(
                        status,
                        status.is4xxClientError()
                                ? "the request could not be read"
                                : "the request could not be completed");
        problem.setType(Problems.typeOf(status));
        problem.setTitle(status.getReasonPhrase());
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
