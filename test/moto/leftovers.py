"""What a moto server still holds after `terraform destroy`, as one JSON object on stdout.

    python3 test/moto/leftovers.py http://127.0.0.1:PORT [REGION]

Each key names a kind of resource the configurations create, its value the names (or ARNs) of
those still there, sorted; after a clean destroy every list is empty. REST APIs and AppSync
GraphQL APIs are listed too, for the configurations that create them.
"""

import json
import sys

import boto3


def main():
    endpoint = sys.argv[1]
    region = sys.argv[2] if len(sys.argv) > 2 else "us-east-1"

    def client(service):
        return boto3.client(
            service,
            endpoint_url=endpoint,
            region_name=region,
            aws_access_key_id="mock",
            aws_secret_access_key="mock",
        )

    def pages(service, operation, key, **kwargs):
        paginator = client(service).get_paginator(operation)
        return [item for page in paginator.paginate(**kwargs) for item in page.get(key, [])]

    apigatewayv2 = client("apigatewayv2")
    awslambda = client("lambda")
    appsync = client("appsync")
    cloudwatch = client("cloudwatch")

    layer_versions = [
        version["LayerVersionArn"]
        for layer in pages("lambda", "list_layers", "Layers")
        for version in awslambda.list_layer_versions(LayerName=layer["LayerName"])["LayerVersions"]
    ]
    alarms = cloudwatch.describe_alarms()

    found = {
        "http_apis": [api["Name"] for api in apigatewayv2.get_apis().get("Items", [])],
        "rest_apis": [api["name"] for api in pages("apigateway", "get_rest_apis", "items")],
        "appsync_apis": [api["name"] for api in appsync.list_graphql_apis().get("graphqlApis", [])],
        "lambda_functions": [fn["FunctionName"] for fn in pages("lambda", "list_functions", "Functions")],
        "layer_versions": layer_versions,
        "iam_roles": [role["RoleName"] for role in pages("iam", "list_roles", "Roles")],
        "log_groups": [group["logGroupName"] for group in pages("logs", "describe_log_groups", "logGroups")],
        "metric_filters": [
            metric_filter["filterName"]
            for metric_filter in pages("logs", "describe_metric_filters", "metricFilters")
        ],
        "alarms": [
            alarm["AlarmName"]
            for alarm in alarms.get("MetricAlarms", []) + alarms.get("CompositeAlarms", [])
        ],
    }
    print(json.dumps({kind: sorted(names) for kind, names in found.items()}))


if __name__ == "__main__":
    main()
