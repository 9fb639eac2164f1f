# Mock defaults for the hashicorp/aws provider, for a configuration that uses this repository's
# modules and tests itself with `terraform test`:
#
#   mock_provider "aws" {
#     source = "./.terraform/modules/<module name>/mocks"   # or a copy of this folder
#   }
#
# A mocked provider invents random strings for computed attributes, but the provider still checks
# that some arguments are ARNs: a function's role and layers, a stage's access log destination, a
# permission's source ARN, a role's permissions boundary. These defaults give the attributes that
# flow into such arguments an ARN's shape; every other computed attribute stays random. The
# account, Region and names are placeholders.

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/mock-role"
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/mock"
  }
}

mock_resource "aws_lambda_layer_version" {
  defaults = {
    arn       = "arn:aws:lambda:eu-west-1:123456789012:layer:mock-layer:1"
    layer_arn = "arn:aws:lambda:eu-west-1:123456789012:layer:mock-layer"
  }
}

mock_resource "aws_apigatewayv2_api" {
  defaults = {
    execution_arn = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5"
  }
}

# Not the modules' own: the usual source of role_permissions_boundary.
mock_resource "aws_iam_policy" {
  defaults = {
    arn = "arn:aws:iam::123456789012:policy/mock-boundary"
  }
}
