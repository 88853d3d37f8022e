from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.analyst_revision_page import AnalystRevisionPage
from ...models.event_type import EventType
from ...models.problem import Problem
from ...models.revision_page import RevisionPage
from ...models.staff_role import StaffRole
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    type_: EventType | None | Unset = UNSET,
    role: None | StaffRole | Unset = UNSET,
    limit: int | Unset = 100,
    after: None | str | Unset = UNSET,
    min_position: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    else:
        json_to = to
    params["to"] = json_to

    json_type_: None | str | Unset
    if isinstance(type_, Unset):
        json_type_ = UNSET
    elif isinstance(type_, EventType):
        json_type_ = type_.value
    else:
        json_type_ = type_
    params["type"] = json_type_

    json_role: None | str | Unset
    if isinstance(role, Unset):
        json_role = UNSET
    elif isinstance(role, StaffRole):
        json_role = role.value
    else:
        json_role = role
    params["role"] = json_role

    params["limit"] = limit

    json_after: None | str | Unset
    if isinstance(after, Unset):
        json_after = UNSET
    else:
        json_after = after
    params["after"] = json_after

    json_min_position: int | None | Unset
    if isinstance(min_position, Unset):
        json_min_position = UNSET
    else:
        json_min_position = min_position
    params["min_position"] = json_min_position

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/revisions",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AnalystRevisionPage | RevisionPage | Problem | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> AnalystRevisionPage | RevisionPage:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = RevisionPage.from_dict(data)

                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_200_type_1 = AnalystRevisionPage.from_dict(data)

            return response_200_type_1

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[AnalystRevisionPage | RevisionPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    type_: EventType | None | Unset = UNSET,
    role: None | StaffRole | Unset = UNSET,
    limit: int | Unset = 100,
    after: None | str | Unset = UNSET,
    min_position: int | None | Unset = UNSET,
) -> Response[AnalystRevisionPage | RevisionPage | Problem]:
    """The clinic's cross-plan revision timeline (de-identified for analysts)

     Analysts get Safe Harbor items (`subject`, `year`, `plan_day`, allowlisted `data`); their
    `from`/`to` count in whole calendar years and their cursors are opaque.

    Args:
        from_ (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        to (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        type_ (EventType | None | Unset):
        role (None | StaffRole | Unset):
        limit (int | Unset):  Default: 100.
        after (None | str | Unset):
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalystRevisionPage | RevisionPage | Problem]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        type_=type_,
        role=role,
        limit=limit,
        after=after,
        min_position=min_position,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    type_: EventType | None | Unset = UNSET,
    role: None | StaffRole | Unset = UNSET,
    limit: int | Unset = 100,
    after: None | str | Unset = UNSET,
    min_position: int | None | Unset = UNSET,
) -> AnalystRevisionPage | RevisionPage | Problem | None:
    """The clinic's cross-plan revision timeline (de-identified for analysts)

     Analysts get Safe Harbor items (`subject`, `year`, `plan_day`, allowlisted `data`); their
    `from`/`to` count in whole calendar years and their cursors are opaque.

    Args:
        from_ (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        to (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        type_ (EventType | None | Unset):
        role (None | StaffRole | Unset):
        limit (int | Unset):  Default: 100.
        after (None | str | Unset):
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalystRevisionPage | RevisionPage | Problem
    """

    return sync_detailed(
        client=client,
        from_=from_,
        to=to,
        type_=type_,
        role=role,
        limit=limit,
        after=after,
        min_position=min_position,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    type_: EventType | None | Unset = UNSET,
    role: None | StaffRole | Unset = UNSET,
    limit: int | Unset = 100,
    after: None | str | Unset = UNSET,
    min_position: int | None | Unset = UNSET,
) -> Response[AnalystRevisionPage | RevisionPage | Problem]:
    """The clinic's cross-plan revision timeline (de-identified for analysts)

     Analysts get Safe Harbor items (`subject`, `year`, `plan_day`, allowlisted `data`); their
    `from`/`to` count in whole calendar years and their cursors are opaque.

    Args:
        from_ (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        to (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        type_ (EventType | None | Unset):
        role (None | StaffRole | Unset):
        limit (int | Unset):  Default: 100.
        after (None | str | Unset):
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalystRevisionPage | RevisionPage | Problem]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        type_=type_,
        role=role,
        limit=limit,
        after=after,
        min_position=min_position,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    type_: EventType | None | Unset = UNSET,
    role: None | StaffRole | Unset = UNSET,
    limit: int | Unset = 100,
    after: None | str | Unset = UNSET,
    min_position: int | None | Unset = UNSET,
) -> AnalystRevisionPage | RevisionPage | Problem | None:
    """The clinic's cross-plan revision timeline (de-identified for analysts)

     Analysts get Safe Harbor items (`subject`, `year`, `plan_day`, allowlisted `data`); their
    `from`/`to` count in whole calendar years and their cursors are opaque.

    Args:
        from_ (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        to (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        type_ (EventType | None | Unset):
        role (None | StaffRole | Unset):
        limit (int | Unset):  Default: 100.
        after (None | str | Unset):
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalystRevisionPage | RevisionPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            from_=from_,
            to=to,
            type_=type_,
            role=role,
            limit=limit,
            after=after,
            min_position=min_position,
        )
    ).parsed
