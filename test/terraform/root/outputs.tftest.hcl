# What the root module hands back to its caller.
# From the repository root: terraform test -test-directory=test/terraform/root

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  tenant_id = "11111111-2222-3333-4444-555555555555"
  audience  = "api://entra-authz-test"
  routes = {
    "GET /auth"       = { scopes = ["api.read"] }
    "ANY /items/{id}" = { scopes = ["api.read"] }
    "$default"        = { roles = ["App.Read"] }
  }
  create_alarms = true
}

run "outputs_describe_the_deployed_api_and_its_routes" {
  assert {
    condition     = output.api_id == "a1b2c3d4e5" && output.api_arn == "arn:aws:apigateway:us-east-1::/apis/a1b2c3d4e5"
    error_message = "api_id and api_arn must describe the HTTP API."
  }

  assert {
    condition     = output.api_endpoint == "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com" && output.api_execution_arn == "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5"
    error_message = "api_endpoint and api_execution_arn must describe the HTTP API."
  }

  assert {
    condition     = output.stage_id == "$default" && output.stage_arn == "arn:aws:apigateway:us-east-1::/apis/a1b2c3d4e5/stages/$default" && output.stage_invoke_url == "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/"
    error_message = "The stage outputs must describe the $default stage."
  }

  assert {
    condition     = output.authorizer_id == "abc123" && output.authorizer_identity_sources == toset(["$request.header.Authorization", "$context.routeKey"])
    error_message = "authorizer_id and authorizer_identity_sources must describe the authorizer."
  }

  assert {
    condition     = output.authorizer_function_name == "entra-authz-authorizer" && output.authorizer_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:entra-authz-authorizer" && output.authorizer_log_group_name == "/aws/lambda/entra-authz-authorizer" && output.authorizer_log_group_arn != null
    error_message = "The authorizer's function and log group outputs must be set."
  }

  assert {
    condition     = output.response_function_name == "entra-authz-response" && output.response_function_arn != null && output.response_log_group_name == "/aws/lambda/entra-authz-response" && output.response_log_group_arn != null
    error_message = "The sample backend's function and log group outputs must be set."
  }

  assert {
    condition     = output.iam_roles.authorizer.name == "entra-authz-authorizer" && output.iam_roles.response.name == "entra-authz-response" && output.iam_roles.authorizer.permissions_boundary == null && output.iam_roles.response.permissions_boundary == null
    error_message = "iam_roles must name both roles, without a permissions boundary by default."
  }

  assert {
    condition     = output.layer_arn == "arn:aws:lambda:us-east-1:123456789012:layer:entra-authz-jwt-verify:1"
    error_message = "layer_arn must be the layer version ARN the authorizer uses."
  }

  assert {
    condition     = output.access_log_group_name == "/aws/apigateway/entra-authz" && output.access_log_group_arn != null
    error_message = "The access log group outputs must be set by default."
  }

  assert {
    condition     = output.metric_namespace == "EntraAuthorizer/entra-authz-authorizer" && length(output.alarm_arns) == 5
    error_message = "The monitoring outputs must describe the namespace and the alarms."
  }

  assert {
    condition     = output.entra_authority_host == "login.microsoftonline.com" && output.entra_clouds.china == { authority_host = "login.chinacloudapi.cn", v2_issuer_host = "login.partner.microsoftonline.cn" }
    error_message = "The Entra authority hosts must follow Microsoft's national cloud table."
  }

  assert {
    condition     = output.authorizer_environment_variables == module.entra_authorizer[0].environment_variables
    error_message = "authorizer_environment_variables must be the authorizer's environment."
  }

  assert {
    condition = output.route_urls == {
      "GET /auth"       = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/auth"
      "ANY /items/{id}" = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/items/{id}"
      "$default"        = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/"
    }
    error_message = "route_urls is wrong: ${jsonencode(output.route_urls)}"
  }

  assert {
    condition     = keys(output.routes) == ["$default", "ANY /items/{id}", "GET /auth"] && output.routes["ANY /items/{id}"].source_arn == "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/*/items/*" && output.routes["GET /auth"].authorization_type == "CUSTOM"
    error_message = "routes must describe every route: ${jsonencode(output.routes)}"
  }
}

run "optional_outputs_are_null_when_their_resources_are_off" {
  command = plan

  variables {
    access_log_enabled = false
    create_alarms      = false
  }

  assert {
    condition     = output.access_log_group_name == null && output.access_log_group_arn == null && output.alarm_arns == {}
    error_message = "Optional outputs must be null or empty when their resources are not created."
  }
}

run "name_prefixes_every_name" {
  command = plan

  variables {
    name = "orders"
  }

  assert {
    condition     = output.authorizer_function_name == "orders-authorizer" && output.response_function_name == "orders-response" && output.access_log_group_name == "/aws/apigateway/orders" && output.metric_namespace == "EntraAuthorizer/orders-authorizer"
    error_message = "Every name must start with var.name."
  }
}

run "iam_roles_report_the_permissions_boundary" {
  command = plan

  variables {
    role_permissions_boundary = "arn:aws:iam::123456789012:policy/workload-boundary"
  }

  assert {
    condition     = output.iam_roles.authorizer.permissions_boundary == "arn:aws:iam::123456789012:policy/workload-boundary" && output.iam_roles.response.permissions_boundary == "arn:aws:iam::123456789012:policy/workload-boundary"
    error_message = "iam_roles must report the permissions boundary of both roles."
  }
}
