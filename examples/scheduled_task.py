"""A custom template built with the library: a nightly Fargate task in the network stack's private subnets.

It imports the private subnets, the VPC and the cluster through the export contract (never by spelling export
names), and adds something of its own: an EventBridge schedule that runs a task with ``AssignPublicIp: DISABLED``.

    .venv/bin/python examples/scheduled_task.py        # writes build/scheduled-task.yaml (build/ is git-ignored)
    .venv/bin/fargate-private-templates check templates/network.yaml build/scheduled-task.yaml

``--stdout`` prints the template instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

from awacs import ecs as ecs_actions
from awacs import iam as iam_actions
from troposphere import GetAtt, Output, Parameter, Ref, Sub, Template, ec2, ecs, events, iam, logs

from fargate_private_templates import NetworkImports, policies, render_yaml
from fargate_private_templates.render.files import write_files

# The repository's build/ folder, wherever the script is run from.
OUTPUT = Path(__file__).resolve().parent.parent / "build" / "scheduled-task.yaml"


def build_scheduled_task(schedule: str = "cron(0 3 * * ? *)") -> Template:
    template = Template(Description="Nightly report job: a Fargate task with only private IPs, run by EventBridge")
    template.set_version()
    network = NetworkImports(template)
    repository = template.add_parameter(
        Parameter("RepositoryName", Type="String", Description="ECR repository of the job's image, in this account")
    )
    tag = template.add_parameter(Parameter("ImageTag", Type="String", Description="Image tag to run"))
    image = Sub(
        f"${{AWS::AccountId}}.dkr.ecr.${{AWS::Region}}.${{AWS::URLSuffix}}/${{{repository.title}}}:${{{tag.title}}}"
    )
    repository_arn = policies.arn("ecr", f"repository/${{{repository.title}}}")
    log_group = template.add_resource(
        logs.LogGroup("LogGroup", RetentionInDays=30, DeletionPolicy="Retain", UpdateReplacePolicy="Retain")
    )
    execution_role = template.add_resource(
        iam.Role(
            "ExecutionRole",
            AssumeRolePolicyDocument=policies.service_trust("ecs-tasks.amazonaws.com"),
            Policies=[
                iam.Policy(
                    PolicyName="start-task",
                    PolicyDocument=policies.policy(
                        policies.allow(policies.ECR_AUTH_ACTIONS, "*", "GetRegistryToken"),
                        policies.allow(policies.ECR_PULL_ACTIONS, repository_arn, "PullImage"),
                        policies.allow(policies.LOG_WRITE_ACTIONS, GetAtt(log_group, "Arn"), "WriteLogs"),
                    ),
                )
            ],
        )
    )
    task_definition = template.add_resource(
        ecs.TaskDefinition(
            "TaskDefinition",
            RequiresCompatibilities=["FARGATE"],
            NetworkMode="awsvpc",
            Cpu="256",
            Memory="512",
            ExecutionRoleArn=GetAtt(execution_role, "Arn"),
            ContainerDefinitions=[
                ecs.ContainerDefinition(
                    Name="job",
                    Image=image,
                    Essential=True,
                    Privileged=False,
                    ReadonlyRootFilesystem=True,
                    LogConfiguration=ecs.LogConfiguration(
                        LogDriver="awslogs",
                        Options={
                            "awslogs-group": Ref(log_group),
                            "awslogs-region": Ref("AWS::Region"),
                            "awslogs-stream-prefix": "job",
                        },
                    ),
                )
            ],
        )
    )
    # The job takes no inbound traffic: its group has no ingress rule, and egress only to HTTPS.
    security_group = template.add_resource(
        ec2.SecurityGroup(
            "JobSecurityGroup",
            GroupDescription="Nightly job: no inbound traffic, HTTPS out",
            VpcId=network.vpc_id,
            SecurityGroupEgress=[
                ec2.SecurityGroupRule(
                    IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp="0.0.0.0/0", Description="HTTPS to AWS APIs"
                )
            ],
        )
    )
    events_role = template.add_resource(
        iam.Role(
            "ScheduleRole",
            AssumeRolePolicyDocument=policies.service_trust("events.amazonaws.com", source_account_condition=True),
            Policies=[
                iam.Policy(
                    PolicyName="run-task",
                    PolicyDocument=policies.policy(
                        policies.allow((ecs_actions.RunTask,), Ref(task_definition), "RunJob"),
                        policies.allow((iam_actions.PassRole,), GetAtt(execution_role, "Arn"), "PassExecutionRole"),
                    ),
                )
            ],
        )
    )
    schedule_rule = template.add_resource(
        events.Rule(
            "Schedule",
            Description="Runs the nightly job",
            ScheduleExpression=schedule,
            State="ENABLED",
            Targets=[
                events.Target(
                    Id="job",
                    Arn=network.cluster_arn,
                    RoleArn=GetAtt(events_role, "Arn"),
                    EcsParameters=events.EcsParameters(
                        TaskDefinitionArn=Ref(task_definition),
                        TaskCount=1,
                        LaunchType="FARGATE",
                        PlatformVersion="1.4.0",
                        NetworkConfiguration=events.NetworkConfiguration(
                            AwsVpcConfiguration=events.AwsVpcConfiguration(
                                AssignPublicIp="DISABLED",
                                Subnets=network.private_subnet_ids,
                                SecurityGroups=[GetAtt(security_group, "GroupId")],
                            )
                        ),
                    ),
                )
            ],
        )
    )
    template.add_output(
        [
            Output("ScheduleRuleArn", Value=GetAtt(schedule_rule, "Arn")),
            Output("JobLogGroup", Value=Ref(log_group)),
        ]
    )
    return template


if __name__ == "__main__":
    text = render_yaml(build_scheduled_task())
    if sys.argv[1:] == ["--stdout"]:
        print(text, end="")
    else:
        write_files(OUTPUT.parent, {OUTPUT.name: text})
        print(f"wrote {OUTPUT}")
