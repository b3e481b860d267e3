package io.cardroutes.ops;

import io.cardroutes.Login;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;

/** The one login of the management port (HTTP Basic). */
final class ManagementLogin implements AuthenticationProvider {

    private final Login login;

    ManagementLogin(String user, String password) {
        this.login = new Login(user, password);
    }

    @Override
    public void authenticate(JsonObject credentials, Handler<AsyncResult<User>> result) {
        String user = credentials.getString("username", "");
        result.handle(login.matches(user, credentials.getString("password", ""))
                ? Future.succeededFuture(User.fromName(user)) : Future.failedFuture("wrong user or password"));
    }
}
