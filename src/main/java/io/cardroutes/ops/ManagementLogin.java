package io.cardroutes.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;

/** The one login of the management port (HTTP Basic), compared in constant time. */
final class ManagementLogin implements AuthenticationProvider {

    private final byte[] user;
    private final byte[] password;

    ManagementLogin(String user, String password) {
        this.user = user.getBytes(StandardCharsets.UTF_8);
        this.password = password.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void authenticate(JsonObject credentials, Handler<AsyncResult<User>> result) {
        String givenUser = credentials.getString("username", "");
        String givenPassword = credentials.getString("password", "");
        // both compared, whatever the first says, so the time taken tells nothing
        boolean userMatches = MessageDigest.isEqual(user, givenUser.getBytes(StandardCharsets.UTF_8));
        boolean passwordMatches = MessageDigest.isEqual(password, givenPassword.getBytes(StandardCharsets.UTF_8));
        result.handle(userMatches & passwordMatches ? Future.succeededFuture(User.fromName(givenUser))
                : Future.failedFuture("wrong user or password"));
    }
}
