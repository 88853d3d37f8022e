from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.revision_grouping import RevisionGrouping
from ...models.revision_groups import RevisionGroups
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    group_by: RevisionGrouping,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    min_position: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_group_by = group_by.value
    params["group_by"] = json_group_by

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

    json_min_position: int | None | Unset
    if isinstance(min_position, Unset):
        json_min_position = UNSET
    else:
        json_min_position = min_position
    params["min_position"] = json_min_position

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/analytics/revisions",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | RevisionGroups | None:
    if response.status_code == 200:
        response_200 = RevisionGroups.from_dict(response.json())

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
) -> Response[Problem | RevisionGroups]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    group_by: RevisionGrouping,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    min_position: int | None | Unset = UNSET,
) -> Response[Problem | RevisionGroups]:
    """Revision counts by type, month or role, small cells suppressed

     Counts from 1 to 10 are `null` with `suppressed: true`. For analysts `month` is the month of the
    plan (`0` = days 0-29 from its start, `1` = days 30-59, ...) and `from`/`to` count in whole calendar
    years; for supervisors and auditors `month` is the calendar month (`2026-03`).

    Args:
        group_by (RevisionGrouping): How `/analytics/revisions` groups its counts.
        from_ (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        to (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RevisionGroups]
    """

    kwargs = _get_kwargs(
        group_by=group_by,
        from_=from_,
        to=to,
        min_position=min_position,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    group_by: RevisionGrouping,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    min_position: int | None | Unset = UNSET,
) -> Problem | RevisionGroups | None:
    """Revision counts by type, month or role, small cells suppressed

     Counts from 1 to 10 are `null` with `suppressed: true`. For analysts `month` is the month of the
    plan (`0` = days 0-29 from its start, `1` = days 30-59, ...) and `from`/`to` count in whole calendar
    years; for supervisors and auditors `month` is the calendar month (`2026-03`).

    Args:
        group_by (RevisionGrouping): How `/analytics/revisions` groups its counts.
        from_ (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        to (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RevisionGroups
    """

    return sync_detailed(
        client=client,
        group_by=group_by,
        from_=from_,
        to=to,
        min_position=min_position,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    group_by: RevisionGrouping,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    min_position: int | None | Unset = UNSET,
) -> Response[Problem | RevisionGroups]:
    """Revision counts by type, month or role, small cells suppressed

     Counts from 1 to 10 are `null` with `suppressed: true`. For analysts `month` is the month of the
    plan (`0` = days 0-29 from its start, `1` = days 30-59, ...) and `from`/`to` count in whole calendar
    years; for supervisors and auditors `month` is the calendar month (`2026-03`).

    Args:
        group_by (RevisionGrouping): How `/analytics/revisions` groups its counts.
        from_ (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        to (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RevisionGroups]
    """

    kwargs = _get_kwargs(
        group_by=group_by,
        from_=from_,
        to=to,
        min_position=min_position,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    group_by: RevisionGrouping,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    min_position: int | None | Unset = UNSET,
) -> Problem | RevisionGroups | None:
    """Revision counts by type, month or role, small cells suppressed

     Counts from 1 to 10 are `null` with `suppressed: true`. For analysts `month` is the month of the
    plan (`0` = days 0-29 from its start, `1` = days 30-59, ...) and `from`/`to` count in whole calendar
    years; for supervisors and auditors `month` is the calendar month (`2026-03`).

    Args:
        group_by (RevisionGrouping): How `/analytics/revisions` groups its counts.
        from_ (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        to (None | str | Unset): a date (the whole day, inclusive) or an RFC 3339 instant
        min_position (int | None | Unset): answer only once the read model has processed this
            position (a command's `position`); 503 with Retry-After if it takes too long

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RevisionGroups
    """

    return (
        await asyncio_detailed(
            client=client,
            group_by=group_by,
            from_=from_,
            to=to,
            min_position=min_position,
        )
    ).parsed
