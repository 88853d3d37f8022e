import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_plan_fhir_response_200 import GetPlanFhirResponse200
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    plan_id: str,
    *,
    version: int | None | Unset = UNSET,
    as_of: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_version: int | None | Unset
    if isinstance(version, Unset):
        json_version = UNSET
    else:
        json_version = version
    params["version"] = json_version

    json_as_of: str | Unset = UNSET
    if not isinstance(as_of, Unset):
        json_as_of = as_of.isoformat()
    params["as_of"] = json_as_of

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/plans/{plan_id}/fhir".format(
            plan_id=quote(str(plan_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> GetPlanFhirResponse200 | Problem | None:
    if response.status_code == 200:
        response_200 = GetPlanFhirResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[GetPlanFhirResponse200 | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    version: int | None | Unset = UNSET,
    as_of: datetime.datetime | Unset = UNSET,
) -> Response[GetPlanFhirResponse200 | Problem]:
    """The plan as a FHIR R4 Bundle (current, or as of a version or an instant)

    Args:
        plan_id (str): the plan's id
        version (int | None | Unset):
        as_of (datetime.datetime | Unset): an RFC 3339 instant with offset, e.g.
            2025-04-01T00:00:00Z

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetPlanFhirResponse200 | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        version=version,
        as_of=as_of,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    version: int | None | Unset = UNSET,
    as_of: datetime.datetime | Unset = UNSET,
) -> GetPlanFhirResponse200 | Problem | None:
    """The plan as a FHIR R4 Bundle (current, or as of a version or an instant)

    Args:
        plan_id (str): the plan's id
        version (int | None | Unset):
        as_of (datetime.datetime | Unset): an RFC 3339 instant with offset, e.g.
            2025-04-01T00:00:00Z

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetPlanFhirResponse200 | Problem
    """

    return sync_detailed(
        plan_id=plan_id,
        client=client,
        version=version,
        as_of=as_of,
    ).parsed


async def asyncio_detailed(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    version: int | None | Unset = UNSET,
    as_of: datetime.datetime | Unset = UNSET,
) -> Response[GetPlanFhirResponse200 | Problem]:
    """The plan as a FHIR R4 Bundle (current, or as of a version or an instant)

    Args:
        plan_id (str): the plan's id
        version (int | None | Unset):
        as_of (datetime.datetime | Unset): an RFC 3339 instant with offset, e.g.
            2025-04-01T00:00:00Z

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetPlanFhirResponse200 | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        version=version,
        as_of=as_of,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    version: int | None | Unset = UNSET,
    as_of: datetime.datetime | Unset = UNSET,
) -> GetPlanFhirResponse200 | Problem | None:
    """The plan as a FHIR R4 Bundle (current, or as of a version or an instant)

    Args:
        plan_id (str): the plan's id
        version (int | None | Unset):
        as_of (datetime.datetime | Unset): an RFC 3339 instant with offset, e.g.
            2025-04-01T00:00:00Z

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetPlanFhirResponse200 | Problem
    """

    return (
        await asyncio_detailed(
            plan_id=plan_id,
            client=client,
            version=version,
            as_of=as_of,
        )
    ).parsed
