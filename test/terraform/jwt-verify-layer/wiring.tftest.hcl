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
    condition     = aws_lambda_layer_version.this.compatible_architectures == toset(["arm64", "x86_64"]) && aws_lambda_layer_version.this.compatible_runtimes == toset(["nodejs20.x", "nodejs22.x"])
    error_message = "The layer must declare both architectures and the runtimes it is given (by default nodejs20.x and nodejs22.x)."
  }

  assert {
    condition     = output.layer_arn == "arn:aws:lambda:us-east-1:123456789012:layer:entra-authz-jwt-verify:1" && output.layer_version == "1"
    error_message = "layer_arn must be the version ARN, the value a function's layers takes."
  }
}

run "layer_declares_the_runtimes_it_is_given" {
  command = plan

  module {
    source = "./modules/jwt-verify-layer"
  }

  variables {
    compatible_runtimes = ["nodejs20.x"]
  }

  assert {
    condition     = aws_lambda_layer_version.this.compatible_runtimes == toset(["nodejs20.x"])
    error_message = "compatible_runtimes must reach the layer version."
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

run "reject_runtime_the_authorizer_cannot_run_on" {
  command = plan

  module {
    source = "./modules/jwt-verify-layer"
  }

  variables {
    compatible_runtimes = ["nodejs18.x"]
  }

  expect_failures = [var.compatible_runtimes]
}
