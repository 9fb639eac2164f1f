# Every input the root module rejects, and the closest values it accepts.
# From the repository root: terraform test -test-directory=test/terraform/root

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  tenant_id = "72f988bf-86f1-41af-91ab-2d7cd011db47"
  audience  = "api://entra-authz-test"
}

run "accept_valid_inputs_at_their_limits" {
  command = plan

  variables {
    tenant_id                    = "72F988BF-86F1-41AF-91AB-2D7CD011DB47"
    routes                       = ["GET /auth", "ANY /items/{id}", "$default"]
    route_permissions            = { "GET /auth" = { scopes = ["api.read"] }, "*" = { roles = ["Reports.Read.All"] } }
    authorizer_cache_ttl_seconds = 3600
    timeout                      = 5
    log_retention_in_days        = 0
    token_versions               = ["1.0"]
  }
}

run "accept_routes_each_listed_without_a_star_entry" {
  command = plan

  variables {
    routes            = ["GET /auth", "GET /reports"]
    route_permissions = { "GET /auth" = { scopes = ["api.read"] }, "GET /reports" = { roles = ["Reports.Read.All"] } }
  }
}

# Entra ID

run "reject_tenant_id_not_a_guid" {
  command = plan

  variables {
    tenant_id = "contoso.onmicrosoft.com"
  }

  expect_failures = [var.tenant_id]
}

run "reject_empty_audience" {
  command = plan

  variables {
    audience = ""
  }

  expect_failures = [var.audience]
}

run "reject_audience_with_a_comma" {
  command = plan

  variables {
    audience = "api://a,api://b"
  }

  expect_failures = [var.audience]
}

run "reject_empty_additional_audience" {
  command = plan

  variables {
    additional_audiences = [""]
  }

  expect_failures = [var.additional_audiences]
}

run "reject_unknown_token_version" {
  command = plan

  variables {
    token_versions = ["3.0"]
  }

  expect_failures = [var.token_versions]
}

run "reject_no_token_version" {
  command = plan

  variables {
    token_versions = []
  }

  expect_failures = [var.token_versions]
}

run "reject_authority_host_with_scheme" {
  command = plan

  variables {
    authority_host = "https://login.microsoftonline.com"
  }

  expect_failures = [var.authority_host]
}

run "reject_jwks_uri_over_http" {
  command = plan

  variables {
    jwks_uri = "http://login.microsoftonline.com/common/discovery/v2.0/keys"
  }

  expect_failures = [var.jwks_uri]
}

# Authorizer

run "reject_route_without_permission_entry" {
  command = plan

  variables {
    routes            = ["GET /auth", "GET /reports"]
    route_permissions = { "GET /auth" = { scopes = ["api.read"] } }
  }

  # A cross-variable rule: an output precondition, see main.tf.
  expect_failures = [output.route_urls]
}

run "reject_route_permission_key_not_a_route_key" {
  command = plan

  variables {
    route_permissions = { "/auth" = { scopes = ["api.read"] } }
  }

  expect_failures = [var.route_permissions]
}

run "reject_scope_with_a_space" {
  command = plan

  variables {
    route_permissions = { "*" = { scopes = ["api.read api.write"] } }
  }

  expect_failures = [var.route_permissions]
}

run "reject_unknown_response_mode" {
  command = plan

  variables {
    authorizer_response_mode = "jwt"
  }

  expect_failures = [var.authorizer_response_mode]
}

run "reject_cache_ttl_above_3600" {
  command = plan

  variables {
    authorizer_cache_ttl_seconds = 3601
  }

  expect_failures = [var.authorizer_cache_ttl_seconds]
}

run "reject_negative_cache_ttl" {
  command = plan

  variables {
    authorizer_cache_ttl_seconds = -1
  }

  expect_failures = [var.authorizer_cache_ttl_seconds]
}

run "reject_timeout_within_the_jwks_fetch_limit" {
  command = plan

  variables {
    timeout = 4
  }

  expect_failures = [var.timeout]
}

run "reject_timeout_beyond_the_api_gateway_limit" {
  command = plan

  variables {
    timeout = 11
  }

  expect_failures = [var.timeout]
}

run "reject_memory_below_128" {
  command = plan

  variables {
    memory_size = 64
  }

  expect_failures = [var.memory_size]
}

run "reject_authorizer_package_not_a_zip" {
  command = plan

  variables {
    authorizer_package_path = "dist/index.mjs"
  }

  expect_failures = [var.authorizer_package_path]
}

# Functions

run "reject_unsupported_runtime" {
  command = plan

  variables {
    runtime = "nodejs18.x"
  }

  expect_failures = [var.runtime]
}

run "reject_unknown_architecture" {
  command = plan

  variables {
    architecture = "arm"
  }

  expect_failures = [var.architecture]
}

run "reject_unknown_log_level" {
  command = plan

  variables {
    log_level = "trace"
  }

  expect_failures = [var.log_level]
}

run "reject_retention_cloudwatch_does_not_offer" {
  command = plan

  variables {
    log_retention_in_days = 45
  }

  expect_failures = [var.log_retention_in_days]
}

# General and API

run "reject_name_too_long_for_function_names" {
  command = plan

  variables {
    name = "a-name-that-is-far-too-long-for-lambda-and-iam"
  }

  expect_failures = [var.name]
}

run "reject_malformed_route_key" {
  command = plan

  variables {
    routes = ["GET auth"]
  }

  expect_failures = [var.routes]
}

run "reject_duplicate_routes" {
  command = plan

  variables {
    routes = ["GET /auth", "GET /auth"]
  }

  expect_failures = [var.routes]
}

run "reject_no_routes" {
  command = plan

  variables {
    routes = []
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

run "reject_access_log_format_without_request_id" {
  command = plan

  variables {
    access_log_enabled = true
    access_log_format  = "$context.status"
  }

  expect_failures = [var.access_log_format]
}
