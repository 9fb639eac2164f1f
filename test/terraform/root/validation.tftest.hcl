# Every input the root module rejects, and the closest values it accepts.
# From the repository root: terraform test -test-directory=test/terraform/root

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  tenant_id = "11111111-2222-3333-4444-555555555555"
  audience  = "api://entra-authz-test"
}

run "accept_valid_inputs_at_their_limits" {
  command = plan

  variables {
    tenant_id = "72F988BF-86F1-41AF-91AB-2D7CD011DB47"
    routes = {
      "GET /auth"       = { scopes = ["api.read"], clients = ["04B07795-8DDB-461A-BBEE-02F9E1BF7B46"] }
      "ANY /items/{id}" = { roles = [format("R%0255d", 0)], condition = format("%01024d", 0) }
      "$default"        = { function_arn = "arn:aws:lambda:us-east-1:123456789012:function:fallback" }
      "GET /health"     = { authorization = "none" }
    }
    authorizer_cache_ttl_seconds     = 3600
    verified_token_cache_seconds     = 3600
    timeout                          = 5
    authorizer_log_retention_in_days = 0
    access_log_retention_in_days     = 3653
    token_versions                   = ["1.0"]
    throttling_burst_limit           = 5000
    throttling_rate_limit            = 10000
    role_path                        = "/a/b/"
    application_log_level            = "TRACE"
    system_log_level                 = "DEBUG"
    alarm_refusal_rate_threshold     = 100
    metric_namespace                 = "Platform/Entra Authorizer"
  }
}

# Inputs of distinct variables are rejected together: a run fails unless every variable it lists
# reports its own error, so each rule is still checked on its own.

run "reject_entra_values_that_are_not_ids_urls_or_hosts" {
  command = plan

  variables {
    tenant_id            = "contoso.onmicrosoft.com"
    audience             = "api://a,api://b"
    additional_audiences = [""]
    token_versions       = []
    cloud                = "azure"
    authority_host       = "https://login.microsoftonline.com"
    jwks_uri             = "http://login.microsoftonline.com/common/discovery/v2.0/keys"
    allowed_tenant_ids   = ["common"]
    allowed_client_ids   = ["azure-cli"]
  }

  expect_failures = [
    var.tenant_id,
    var.audience,
    var.additional_audiences,
    var.token_versions,
    var.cloud,
    var.authority_host,
    var.jwks_uri,
    var.allowed_tenant_ids,
    var.allowed_client_ids,
  ]
}

run "reject_unknown_token_version" {
  command = plan

  variables {
    token_versions = ["3.0"]
  }

  expect_failures = [var.token_versions]
}

run "reject_authorizer_values_out_of_range" {
  command = plan

  variables {
    authorizer_response_mode     = "jwt"
    authorizer_cache_ttl_seconds = 3601
    verified_token_cache_seconds = -1
    timeout                      = 11
    memory_size                  = 64
    authorizer_package_path      = "dist/index.mjs"
    layer_package_path           = "dist/layer"
  }

  expect_failures = [
    var.authorizer_response_mode,
    var.authorizer_cache_ttl_seconds,
    var.verified_token_cache_seconds,
    var.timeout,
    var.memory_size,
    var.authorizer_package_path,
    var.layer_package_path,
  ]
}

run "reject_timeout_within_the_jwks_fetch_limit" {
  command = plan

  variables {
    timeout = 4
  }

  expect_failures = [var.timeout]
}

run "reject_function_values_lambda_does_not_offer" {
  command = plan

  variables {
    runtime               = "nodejs18.x"
    architecture          = "arm"
    application_log_level = "info"
    system_log_level      = "ERROR"
    response_package_path = "handler.mjs"
  }

  expect_failures = [
    var.runtime,
    var.architecture,
    var.application_log_level,
    var.system_log_level,
    var.response_package_path,
  ]
}

run "reject_no_sample_backend_for_a_route_without_function" {
  command = plan

  variables {
    create_response_function = false
    routes = {
      "GET /orders" = { function_arn = "arn:aws:lambda:us-east-1:123456789012:function:orders" }
      "GET /auth"   = {}
    }
  }

  expect_failures = [var.create_response_function]
}

run "reject_iam_values" {
  command = plan

  variables {
    create_role = false
    role_path   = "/lambda"
  }

  expect_failures = [var.role_arn, var.role_path]
}

# API

run "reject_no_routes" {
  command = plan

  variables {
    routes = {}
  }

  expect_failures = [var.routes]
}

run "reject_malformed_route_key" {
  command = plan

  variables {
    routes = { "GET auth" = {} }
  }

  expect_failures = [var.routes]
}

run "reject_star_route_key" {
  command = plan

  variables {
    routes = { "*" = { scopes = ["api.read"] } }
  }

  expect_failures = [var.routes]
}

run "reject_unknown_authorization" {
  command = plan

  variables {
    routes = { "GET /auth" = { authorization = "iam" } }
  }

  expect_failures = [var.routes]
}

run "reject_rules_on_a_public_route" {
  command = plan

  variables {
    routes = { "GET /health" = { authorization = "none", scopes = ["api.read"] } }
  }

  expect_failures = [var.routes]
}

run "reject_scope_with_a_space" {
  command = plan

  variables {
    routes = { "GET /auth" = { scopes = ["api.read api.write"] } }
  }

  expect_failures = [var.routes]
}

run "reject_client_not_a_guid" {
  command = plan

  variables {
    routes = { "GET /auth" = { clients = ["my-spa"] } }
  }

  expect_failures = [var.routes]
}

run "reject_empty_condition" {
  command = plan

  variables {
    routes = { "GET /auth" = { condition = "" } }
  }

  expect_failures = [var.routes]
}

run "reject_credentials_with_any_origin" {
  command = plan

  variables {
    cors_configuration = { allow_origins = ["*"], allow_credentials = true }
  }

  expect_failures = [var.cors_configuration]
}

# Stage, logs and monitoring

run "reject_stage_log_and_monitoring_values" {
  command = plan

  variables {
    name                             = "a-name-that-is-far-too-long-for-lambda-and-iam"
    access_log_format                = "$context.status"
    throttling_burst_limit           = 5001
    throttling_rate_limit            = -1
    authorizer_log_retention_in_days = 10
    response_log_retention_in_days   = 2
    access_log_retention_in_days     = 45
    metric_namespace                 = "AWS/ApiGateway"
    alarm_refusal_rate_threshold     = 0
  }

  expect_failures = [
    var.name,
    var.access_log_format,
    var.throttling_burst_limit,
    var.throttling_rate_limit,
    var.authorizer_log_retention_in_days,
    var.response_log_retention_in_days,
    var.access_log_retention_in_days,
    var.metric_namespace,
    var.alarm_refusal_rate_threshold,
  ]
}
