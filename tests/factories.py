"""Factories for tests. They build records through the services, as the application does."""

import factory
from faker import Faker

from jinjin_crm.core.models import Park, User
from jinjin_crm.core.roles import Role
from jinjin_crm.core.services import user_create

fake = Faker("zh_CN")


def park(code: str = "SF") -> Park:
    """A park from the reference data the migrations ship."""
    return Park.objects.get(code=code)


class UserFactory(factory.Factory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.LazyFunction(fake.name)
    password = "correct-horse-battery-staple"
    roles = (Role.OFFICER,)
    parks = ()

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return user_create(**kwargs)


def officer(**kwargs) -> User:
    return UserFactory(roles=(Role.OFFICER,), **kwargs)


def leader(**kwargs) -> User:
    return UserFactory(roles=(Role.LEADER,), **kwargs)


def admin(**kwargs) -> User:
    return UserFactory(roles=(Role.ADMIN,), **kwargs)
