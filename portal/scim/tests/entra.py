"""Request bodies as Microsoft Entra ID's provisioning service sends them, written from its public
documentation ("Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID"
and "Known issues with SCIM 2.0 protocol compliance"): the user and enterprise-user schemas on a
create, PATCH operations named "Replace"/"Add" with capitals, active as a boolean or as the string
"False", a path-less operation whose value is an object of attribute paths, emails addressed as
emails[type eq "work"].value, and group membership as Add/Remove of members."""

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def user_create(user_name, *, given="Ana", family="Rees", email="ana.rees@testshire.police.uk", external_id=None,
                active=True):
    return {
        "schemas": [USER, ENTERPRISE],
        "externalId": external_id or "ana.rees",
        "userName": user_name,
        "active": active,
        "displayName": f"{given} {family}",
        "title": "Police Constable",
        "emails": [{"primary": True, "type": "work", "value": email}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": f"{given} {family}", "familyName": family, "givenName": given},
        "roles": [],
        ENTERPRISE: {"department": "Response", "employeeNumber": "X-99"},
    }


def patch(*operations):
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


def replace(path, value):
    return {"op": "Replace", "path": path, "value": value}


def add(path, value):
    return {"op": "Add", "path": path, "value": value}


def pathless(op, value):
    return {"op": op, "value": value}


def group_create(display_name, external_id="8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159"):
    return {"schemas": [GROUP], "externalId": external_id, "displayName": display_name,
            "meta": {"resourceType": "Group"}}


def members(op, *ids):
    return {"op": op, "path": "members", "value": [{"value": str(i)} for i in ids]}
