"""moto_server for the moto suite, with the patches that make moto 5.2.1 answer like AWS.

    python3 test/moto/server.py [--host 127.0.0.1] [--port 0]

Prints one JSON line, {"port": N}, once it listens (port 0: a free port), then serves until its
standard input closes (the suite holds a pipe to it, so the server never outlives the suite) or it
receives SIGTERM. Exits with status 3 and one line on stderr when moto is not the expected version.

Each patch says why it is there. They make moto behave as AWS does where Terraform depends on it;
the module is never bent to suit moto.
"""

import argparse
import json
import logging
import os
import signal
import sys
import threading
from datetime import datetime
from urllib.parse import unquote

EXPECTED_MOTO = "5.2.1"
INSTALL = f'pip install "moto[server]=={EXPECTED_MOTO}"'


def moto_version():
    try:
        from importlib.metadata import version

        return version("moto")
    except Exception:  # noqa: BLE001 - any failure means: not installed
        return None


################################################################################
# Patches
################################################################################


def refuse(message):
    """Logs a refusal the patches add, so the suite can quote it when Terraform retries it."""
    print(json.dumps({"refused": message}), file=sys.stderr, flush=True)


def patch_lambda_logging_config():
    """Lambda LoggingConfig (CreateFunction, UpdateFunctionConfiguration, GetFunction[Configuration]).

    moto 5.2.1 accepts LoggingConfig and drops it, so every plan after an apply wants to add the
    functions' logging_config block again: a perpetual diff. AWS keeps it and answers it, with
    LogFormat Text and LogGroup /aws/lambda/<name> when none is given, and JSON's levels defaulting
    to INFO (https://docs.aws.amazon.com/lambda/latest/api/API_LoggingConfig.html).
    """
    from moto.awslambda.models import LambdaFunction

    def logging_config(name, given, current=None):
        config = dict(current or {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"})
        config.update({key: value for key, value in (given or {}).items() if value is not None})
        if config.get("LogFormat") == "JSON":
            config.setdefault("ApplicationLogLevel", "INFO")
            config.setdefault("SystemLogLevel", "INFO")
        else:
            # Text logs have no levels: AWS drops them.
            config.pop("ApplicationLogLevel", None)
            config.pop("SystemLogLevel", None)
        return config

    original_init = LambdaFunction.__init__
    original_get_configuration = LambdaFunction.get_configuration
    original_update_configuration = LambdaFunction.update_configuration

    def __init__(self, account_id, spec, region, version=1):
        original_init(self, account_id, spec, region, version)
        self.logging_config = logging_config(self.function_name, spec.get("LoggingConfig"))

    def get_configuration(self, on_create=False):
        config = original_get_configuration(self, on_create)
        config["LoggingConfig"] = dict(
            getattr(self, "logging_config", None) or logging_config(self.function_name, None)
        )
        return config

    def update_configuration(self, config_updates):
        if "LoggingConfig" in config_updates:
            self.logging_config = logging_config(
                self.function_name,
                config_updates["LoggingConfig"],
                getattr(self, "logging_config", None),
            )
        return original_update_configuration(self, config_updates)

    LambdaFunction.__init__ = __init__
    LambdaFunction.get_configuration = get_configuration
    LambdaFunction.update_configuration = update_configuration


def patch_apigatewayv2_update_stage():
    """apigatewayv2 UpdateStage (PATCH /v2/apis/{apiId}/stages/{stageName}).

    moto 5.2.1 does not implement it (NotImplementedError, an HTTP 500), and the provider retries a
    500, so any change to a stage (its access log format, throttling, tags…) hangs the apply.
    AWS updates the fields the request names and answers the stage
    (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-stages-stagename.html).
    """
    from moto.apigatewayv2.responses import ApiGatewayV2Response

    def update_stage(self):
        api_id = self.path.split("/")[-3]
        stage_name = unquote(self.path.split("/")[-1])
        stage = self.apigatewayv2_backend.get_stage(api_id, stage_name)
        body = json.loads(self.body or "{}")
        if "accessLogSettings" in body:
            # An empty AccessLogSettings turns access logging off.
            stage.access_log_settings = body["accessLogSettings"] or None
        if "autoDeploy" in body:
            stage.auto_deploy = body["autoDeploy"]
        if "clientCertificateId" in body:
            stage.client_certificate_id = body["clientCertificateId"]
        if "defaultRouteSettings" in body:
            stage.default_route_settings = body["defaultRouteSettings"]
        if "deploymentId" in body:
            stage.config["deploymentId"] = body["deploymentId"]
        if "description" in body:
            stage.description = body["description"]
        if "routeSettings" in body:
            stage.route_settings.update(body["routeSettings"])
        if "stageVariables" in body:
            stage.stage_variables = body["stageVariables"]
        stage.updated = datetime.now()
        return 200, {}, json.dumps(stage.to_json())

    ApiGatewayV2Response.update_stage = update_stage


def patch_apigatewayv2_stage_tags():
    """apigatewayv2 TagResource, UntagResource and GetTags on a stage ARN.

    moto 5.2.1 routes /v2/tags/{arn} only for API and VPC link ARNs, so a stage ARN
    (arn:aws:apigateway:<region>::/apis/<id>/stages/<name>) answers 404, and changing a stage's
    tags fails the apply. Its stages also keep the tags given at CreateStage apart from its tag
    store, so GetStage would not show a change. AWS tags stages by ARN and GetStage answers the
    same tags (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/tags-resource-arn.html).
    Here the stage's own tags are the store for its ARN.
    """
    import re

    from moto.apigatewayv2 import urls
    from moto.apigatewayv2.models import ApiGatewayV2Backend
    from moto.apigatewayv2.responses import ApiGatewayV2Response

    urls.url_paths[
        "{0}/v2/tags/(?P<resource_arn_pt1>[^/]+)/apis/(?P<resource_arn_pt2>[^/]+)"
        "/stages/(?P<resource_arn_pt3>[^/]+)$"
    ] = ApiGatewayV2Response.dispatch
    stage_arn = re.compile(r"^arn:[^:]+:apigateway:[^:]*::/apis/([^/]+)/stages/([^/]+)$")

    def stage_of(backend, arn):
        match = stage_arn.match(arn)
        return backend.get_stage(match.group(1), match.group(2)) if match else None

    original_get_tags = ApiGatewayV2Backend.get_tags
    original_tag_resource = ApiGatewayV2Backend.tag_resource
    original_untag_resource = ApiGatewayV2Backend.untag_resource

    def get_tags(self, resource_id):
        stage = stage_of(self, resource_id)
        return dict(stage.tags) if stage else original_get_tags(self, resource_id)

    def tag_resource(self, resource_arn, tags):
        stage = stage_of(self, resource_arn)
        if stage:
            stage.tags = {**stage.tags, **(tags or {})}
        else:
            original_tag_resource(self, resource_arn, tags)

    def untag_resource(self, resource_arn, tag_keys):
        stage = stage_of(self, resource_arn)
        if stage:
            stage.tags = {key: value for key, value in stage.tags.items() if key not in tag_keys}
        else:
            original_untag_resource(self, resource_arn, tag_keys)

    ApiGatewayV2Backend.get_tags = get_tags
    ApiGatewayV2Backend.tag_resource = tag_resource
    ApiGatewayV2Backend.untag_resource = untag_resource


def patch_apigatewayv2_route_scopes_cleared():
    """apigatewayv2 UpdateRoute with "authorizationScopes": [].

    moto 5.2.1 keeps a route's scopes when an update gives an empty list (it tests the list for
    truth), so moving a route from the JWT authorizer back to a Lambda authorizer leaves its scopes
    and every later plan wants to remove them again. AWS sets the list the request gives, empty
    too (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-routes-routeid.html).
    """
    from moto.apigatewayv2.models import Route

    original_update = Route.update

    def update(self, api_key_required, authorization_scopes, *args, **kwargs):
        original_update(self, api_key_required, authorization_scopes, *args, **kwargs)
        if authorization_scopes is not None:
            self.authorization_scopes = authorization_scopes

    Route.update = update


def patch_apigatewayv2_authorizer_in_use():
    """apigatewayv2 DeleteAuthorizer of an authorizer a route still uses.

    moto 5.2.1 deletes it and leaves the route pointing at nothing. AWS refuses with 409
    ConflictException "Cannot delete authorizer '<name>', is referenced in route: <route key>"
    (the provider retries that 409 until its delete timeout). Without the refusal the suite
    could not see a configuration that deletes an authorizer before moving its routes off it.
    """
    from moto.apigatewayv2.exceptions import APIGatewayV2Error
    from moto.apigatewayv2.models import Api

    class AuthorizerInUse(APIGatewayV2Error):
        code = 409

        def __init__(self, message):
            super().__init__("ConflictException", message)

    original_delete_authorizer = Api.delete_authorizer

    def delete_authorizer(self, authorizer_id):
        authorizer = self.authorizers.get(authorizer_id)
        users = sorted(r.route_key for r in self.routes.values() if r.authorizer_id == authorizer_id)
        if authorizer is not None and users:
            message = f"Cannot delete authorizer '{authorizer.name}', is referenced in route: {users[0]}"
            refuse(message)
            raise AuthorizerInUse(message)
        original_delete_authorizer(self, authorizer_id)

    Api.delete_authorizer = delete_authorizer


def patch_apigateway_authorizer_in_use():
    """apigateway (REST) DeleteAuthorizer of an authorizer a method still uses.

    moto 5.2.1 deletes it; AWS refuses with 409 ConflictException "Cannot delete authorizer
    '<name>', is referenced in method: <HTTP method>/<resource path>", the REST form of the
    apigatewayv2 refusal above.
    """
    from moto.apigateway.exceptions import ConflictException
    from moto.apigateway.models import APIGatewayBackend

    original_delete_authorizer = APIGatewayBackend.delete_authorizer

    def delete_authorizer(self, restapi_id, authorizer_id):
        api = self.get_rest_api(restapi_id)
        authorizer = api.authorizers.get(authorizer_id)
        users = sorted(
            f"{method.http_method}/{resource.get_path()}"
            for resource in api.resources.values()
            for method in resource.resource_methods.values()
            if method.authorizer_id == authorizer_id
        )
        if authorizer is not None and users:
            message = f"Cannot delete authorizer '{authorizer.name}', is referenced in method: {users[0]}"
            refuse(message)
            raise ConflictException(message)
        original_delete_authorizer(self, restapi_id, authorizer_id)

    APIGatewayBackend.delete_authorizer = delete_authorizer


def apply_patches():
    patch_lambda_logging_config()
    patch_apigatewayv2_update_stage()
    patch_apigatewayv2_stage_tags()
    patch_apigatewayv2_route_scopes_cleared()
    patch_apigatewayv2_authorizer_in_use()
    patch_apigateway_authorizer_in_use()


################################################################################
# Server
################################################################################


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    found = moto_version()
    if found != EXPECTED_MOTO:
        what = "is not installed" if found is None else f"is {found}"
        print(f"moto {EXPECTED_MOTO} is needed and moto {what}: {INSTALL}", file=sys.stderr)
        sys.exit(3)

    apply_patches()

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    # One line per request on stderr would drown the refusals the suite reads there.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(args.host, args.port, app, threaded=True)
    port = server.server_address[1]
    # Some of moto's answers (Lambda URLs, S3 presigned URLs) embed the server's own port.
    os.environ["MOTO_PORT"] = str(port)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    def watch_stdin():
        # EOF on stdin: the suite is gone (finished, killed or crashed).
        try:
            while sys.stdin.buffer.read(4096):
                pass
        finally:
            stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threading.Thread(target=watch_stdin, daemon=True).start()

    print(json.dumps({"port": port}), flush=True)
    server.serve_forever()
    # Skip the interpreter's shutdown: the stdin watcher may still hold stdin's lock.
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
