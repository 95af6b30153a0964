"""Run configuration as the app's src/config.ts defines it, read from and written to a bundle's
config.json with the same field names (camelCase), so nothing is translated by hand elsewhere."""

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ModelConfig:
    imageSize: int  # S
    patch: int  # P
    dim: int  # d
    heads: int
    encLayers: int
    decLayers: int
    mixtures: int  # M
    projDim: int

    @property
    def grid(self) -> int:
        return self.imageSize // self.patch

    @property
    def num_patches(self) -> int:  # N
        return self.grid * self.grid

    @property
    def tokens(self) -> int:  # N + 1: the start token, then the patches
        return self.num_patches + 1

    @property
    def patch_dim(self) -> int:  # P·P·3 sub-pixels per patch
        return self.patch * self.patch * 3

    @property
    def sub_pixels(self) -> int:  # S·S·3: the bits/dim denominator
        return self.imageSize * self.imageSize * 3

    def problem(self) -> "str | None":
        """config.ts validateModel: why this architecture cannot be built, or None."""
        if self.imageSize % self.patch != 0:
            return f"image size {self.imageSize} is not a multiple of patch {self.patch}"
        if self.dim % self.heads != 0:
            return f"width {self.dim} is not a multiple of {self.heads} heads"
        if self.encLayers < 1:
            return "at least one encoder block is needed"
        if self.decLayers < 0:
            return "decoder blocks cannot be negative"
        if self.mixtures < 1:
            return "at least one mixture component is needed"
        return None


@dataclass(frozen=True)
class TrainConfig:
    batch: int
    warmupSteps: int
    weightDecay: float
    seed: int


@dataclass(frozen=True)
class Hyper:
    """The four live controls of the app; a bundle stores the values its next step would use."""

    lambdaCon: float
    lambdaGen: float
    tau: float
    lr: float


@dataclass(frozen=True)
class RunConfig:
    preset: str
    model: ModelConfig
    train: TrainConfig
    hyper: Hyper

    @staticmethod
    def from_json(raw: dict) -> "RunConfig":
        return RunConfig(raw["preset"], ModelConfig(**raw["model"]), TrainConfig(**raw["train"]), Hyper(**raw["hyper"]))

    def to_json(self) -> dict:
        return asdict(self)
