# modules/jwt-verify-layer on its own.
# From the repository root: terraform test -test-directory=test/terraform/jwt-verify-layer

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

run "layer_publishes_the_committed_package" {
  module {
    source = "./modules/jwt-verify-layer"
  }

  assert {
    condition     = aws_lambda_layer_version.this.layer_name == "aws-jwt-verify" && aws_lambda_layer_version.this.source_code_hash == filebase64sha256("dist/jwt-verify-layer.zip")
    error_message = "The layer must publish dist/jwt-verify-layer.zip and a new version when its hash changes."
  }

  assert {
    condition     = aws_lambda_layer_version.this.compatible_architectures == toset(["arm64", "x86_64"]) && contains(aws_lambda_layer_version.this.compatible_runtimes, "nodejs22.x")
    error_message = "The layer must declare both architectures and nodejs22.x."
  }

  assert {
    condition     = output.layer_arn == "arn:aws:lambda:us-east-1:123456789012:layer:entra-authz-jwt-verify:1" && output.layer_version == "1"
    error_message = "layer_arn must be the version ARN, the value a function's layers takes."
  }
}

run "reject_unknown_architecture" {
  command = plan

  module {
    source = "./modules/jwt-verify-layer"
  }

  variables {
    compatible_architectures = ["arm64", "riscv64"]
  }

  expect_failures = [var.compatible_architectures]
}
