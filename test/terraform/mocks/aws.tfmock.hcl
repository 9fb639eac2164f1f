# Computed attributes in the shapes AWS really returns, so that ARNs built from them (permission
# source ARNs, IAM policy resources) can be asserted exactly. Every resource of a type shares these
# values; a test that must tell two apart uses override_resource. (The mock a consumer uses is
# mocks/aws.tfmock.hcl at the repository root.)

mock_resource "aws_apigatewayv2_api" {
  defaults = {
    id            = "a1b2c3d4e5"
    arn           = "arn:aws:apigateway:us-east-1::/apis/a1b2c3d4e5"
    execution_arn = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5"
    api_endpoint  = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
  }
}

mock_resource "aws_apigatewayv2_authorizer" {
  defaults = {
    id = "abc123"
  }
}

mock_resource "aws_apigatewayv2_integration" {
  defaults = {
    id = "int4567"
  }
}

mock_resource "aws_apigatewayv2_route" {
  defaults = {
    id = "rte8901"
  }
}

mock_resource "aws_apigatewayv2_stage" {
  defaults = {
    id            = "$default"
    arn           = "arn:aws:apigateway:us-east-1::/apis/a1b2c3d4e5/stages/$default"
    execution_arn = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/$default"
    invoke_url    = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/"
  }
}

mock_resource "aws_lambda_function" {
  defaults = {
    arn           = "arn:aws:lambda:us-east-1:123456789012:function:entra-authz-authorizer"
    qualified_arn = "arn:aws:lambda:us-east-1:123456789012:function:entra-authz-authorizer:$LATEST"
    invoke_arn    = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:entra-authz-authorizer/invocations"
    version       = "$LATEST"
  }
}

mock_resource "aws_lambda_layer_version" {
  defaults = {
    arn       = "arn:aws:lambda:us-east-1:123456789012:layer:entra-authz-jwt-verify:1"
    layer_arn = "arn:aws:lambda:us-east-1:123456789012:layer:entra-authz-jwt-verify"
    version   = "1"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn       = "arn:aws:iam::123456789012:role/entra-authz-authorizer"
    unique_id = "AROAEXAMPLEROLEID0001"
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/entra-authz-authorizer"
  }
}

mock_resource "aws_cloudwatch_metric_alarm" {
  defaults = {
    arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:entra-authz-authorizer"
  }
}
