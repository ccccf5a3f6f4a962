package dev.cakeday.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.support.Api;
import dev.cakeday.support.IntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

class ConcurrentCreateTest extends IntegrationTest {

    @LocalServerPort int port;

    @Autowired JdbcClient jdbc;

    @Test
    void concurrentPostsOfOneEmailCreateExactlyOneUser() throws Exception {
        Api api = new Api(port);
        String email = "race" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        int racers = 16;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<Future<Integer>> results = new ArrayList<>();
        try {
            for (int i = 0; i < racers; i++) {
                String variant = i % 2 == 0 ? email : email.toUpperCase();
                results.add(
                        pool.submit(
                                () -> {
                                    start.await();
                                    var user = UserApiTest.user(variant);
                                    return api.postJson("/user", Api.json(user)).status();
                                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> result : results) {
                statuses.add(result.get());
            }
            assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 409).hasSize(racers - 1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(
                        jdbc.sql("SELECT count(*) FROM users WHERE lower(email) = lower(?)")
                                .param(email)
                                .query(Long.class)
                                .single())
                .isEqualTo(1);
    }
}
